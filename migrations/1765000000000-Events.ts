import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";
import { bigint, id, ref, varchar } from "./columns";

/**
 * The event outbox (issue 15): one row per observable change, written in the same transaction as
 * the change. The feed reads it per tenant in (created_at, id) order; the cleanup job deletes
 * rows older than 30 days by created_at. Webhook deliveries will reference `id`.
 */
export class Events1765000000000 implements MigrationInterface {
  name = "Events1765000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "events",
        columns: [
          id(),
          ref("tenant_id"),
          varchar("type", 64),
          ref("group_id", true),
          { name: "seq", type: "int", isNullable: true },
          { name: "data", type: "text", isNullable: false },
          bigint("created_at"),
        ],
        indices: [
          new TableIndex({ name: "ix_events_tenant_created", columnNames: ["tenant_id", "created_at", "id"] }),
          new TableIndex({ name: "ix_events_created", columnNames: ["created_at"] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("events");
  }
}
