import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";
import { bigint, id, ref, varchar } from "./columns";

/** Join requests (groups with join approval on): one open request per person and group, listed per group and per requester. */
export class JoinRequests1765400000002 implements MigrationInterface {
  name = "JoinRequests1765400000002";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "join_requests",
        columns: [
          id(),
          ref("tenant_id"),
          ref("group_id"),
          ref("requester_id"),
          ref("inviter_id", true),
          varchar("source_kind", 16),
          ref("code_id", true),
          ref("live_code_id", true),
          varchar("join_state", 30, true),
          varchar("status", 16),
          // The requester's id while PENDING, else NULL: a unique (group_id, open_key) allows one open request per person.
          ref("open_key", true),
          bigint("created_at"),
          bigint("expires_at"),
          bigint("answered_at", true),
          ref("answered_by", true),
        ],
        indices: [
          new TableIndex({ name: "uq_join_requests_open", columnNames: ["group_id", "open_key"], isUnique: true }),
          new TableIndex({ name: "ix_join_requests_group", columnNames: ["group_id", "status", "created_at", "id"] }),
          new TableIndex({ name: "ix_join_requests_requester", columnNames: ["requester_id", "created_at", "id"] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("join_requests");
  }
}
