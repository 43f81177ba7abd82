import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";
import { bigint, bool, id, int, ref, varchar } from "./columns";

/** Groups, members, invitations, the per-group history log, moderation, review and risk events. */
export class Groups1764115200000 implements MigrationInterface {
  name = "Groups1764115200000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "chat_groups",
        columns: [
          id(),
          ref("tenant_id"),
          varchar("name", 100),
          varchar("category", 16),
          bool("minor_protection"),
          varchar("status", 16),
          ref("owner_id", true),
          ref("created_by"),
          ref("parent_id", true),
          int("member_count", 0),
          int("log_size", 0),
          bigint("created_at"),
          bigint("updated_at"),
          bigint("dissolved_at", true),
        ],
        indices: [
          new TableIndex({ name: "ix_groups_creator_created", columnNames: ["created_by", "created_at"] }),
          new TableIndex({ name: "ix_groups_tenant_created", columnNames: ["tenant_id", "created_at", "id"] }),
          new TableIndex({ name: "ix_groups_parent", columnNames: ["parent_id"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "group_members",
        columns: [
          { ...ref("group_id"), isPrimary: true },
          { ...ref("user_id"), isPrimary: true },
          ref("tenant_id"),
          varchar("role", 8),
          bigint("joined_at"),
          bigint("join_seq"),
          varchar("join_kind", 16),
          ref("inviter_id", true),
          ref("code_id", true),
          ref("live_code_id", true),
          varchar("join_state", 30, true),
          bool("muted_notifications"),
        ],
        indices: [
          new TableIndex({ name: "ix_group_members_user", columnNames: ["user_id", "joined_at", "group_id"] }),
          new TableIndex({ name: "ix_group_members_group_joined", columnNames: ["group_id", "join_seq"] }),
          new TableIndex({ name: "ix_group_members_group_role", columnNames: ["group_id", "role", "join_seq"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "invitations",
        columns: [
          id(),
          ref("tenant_id"),
          ref("group_id"),
          ref("invitee_id"),
          ref("inviter_id", true),
          varchar("status", 16),
          // The invitee's id while PENDING, else NULL: a unique (group_id, open_key) allows one open invitation per person.
          ref("open_key", true),
          bigint("created_at"),
          bigint("expires_at"),
          bigint("responded_at", true),
        ],
        indices: [
          new TableIndex({ name: "uq_invitations_open", columnNames: ["group_id", "open_key"], isUnique: true }),
          new TableIndex({ name: "ix_invitations_invitee", columnNames: ["invitee_id", "status", "created_at", "id"] }),
          new TableIndex({ name: "ix_invitations_inviter", columnNames: ["inviter_id", "created_at"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "group_log",
        columns: [
          id(),
          ref("tenant_id"),
          ref("group_id"),
          { name: "seq", type: "int" },
          varchar("kind", 32),
          ref("actor_id", true),
          ref("subject_id", true),
          { name: "text", type: "text", isNullable: true },
          varchar("status", 16),
          { name: "data", type: "text", isNullable: true },
          bigint("created_at"),
        ],
        indices: [
          new TableIndex({ name: "uq_group_log_seq", columnNames: ["group_id", "seq"], isUnique: true }),
          new TableIndex({ name: "ix_group_log_actor", columnNames: ["actor_id", "kind", "created_at"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "moderation_keywords",
        columns: [id(), ref("tenant_id"), varchar("term", 50), varchar("folded", 200), varchar("action", 8), bigint("created_at")],
        indices: [new TableIndex({ name: "ix_moderation_keywords_tenant", columnNames: ["tenant_id"] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "review_items",
        columns: [
          id(),
          ref("tenant_id"),
          varchar("subject_type", 16),
          ref("subject_id"),
          varchar("reason", 500),
          varchar("status", 16),
          bigint("created_at"),
          bigint("resolved_at", true),
        ],
        indices: [
          new TableIndex({ name: "ix_review_items_queue", columnNames: ["tenant_id", "status", "created_at", "id"] }),
          new TableIndex({ name: "ix_review_items_subject", columnNames: ["subject_id"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "risk_events",
        columns: [
          id(),
          ref("tenant_id"),
          varchar("kind", 32),
          ref("user_id", true),
          ref("group_id", true),
          varchar("detail", 500),
          bigint("created_at"),
        ],
        indices: [
          new TableIndex({ name: "ix_risk_events_tenant", columnNames: ["tenant_id", "created_at", "id"] }),
          new TableIndex({ name: "ix_risk_events_user_kind", columnNames: ["user_id", "kind", "created_at"] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["risk_events", "review_items", "moderation_keywords", "group_log", "invitations", "group_members", "chat_groups"]) {
      await queryRunner.dropTable(table);
    }
  }
}
