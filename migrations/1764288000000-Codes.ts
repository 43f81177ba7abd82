import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";
import { bigint, bool, id, int, ref, varchar } from "./columns";

/** Group codes, enterprise live codes and face-to-face sessions. */
export class Codes1764288000000 implements MigrationInterface {
  name = "Codes1764288000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "group_codes",
        columns: [
          id(),
          ref("tenant_id"),
          ref("group_id"),
          varchar("type", 16),
          varchar("token", 64),
          varchar("state", 30, true),
          { name: "max_uses", type: "int", isNullable: true },
          int("uses", 0),
          bigint("expires_at", true),
          bigint("revoked_at", true),
          ref("created_by", true),
          bigint("created_at"),
        ],
        indices: [
          new TableIndex({ name: "uq_group_codes_token", columnNames: ["token"], isUnique: true }),
          new TableIndex({ name: "ix_group_codes_group", columnNames: ["group_id", "created_at"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "live_codes",
        columns: [
          id(),
          ref("tenant_id"),
          varchar("name", 100),
          varchar("token", 64),
          int("per_group_cap"),
          bool("auto_create_groups"),
          varchar("base_name", 90, true),
          bigint("expires_at", true),
          { name: "welcome_message", type: "text", isNullable: true },
          varchar("state", 30, true),
          varchar("status", 16),
          ref("created_by"),
          int("join_count", 0),
          int("groups_created", 0),
          bigint("created_at"),
          bigint("updated_at"),
        ],
        indices: [
          new TableIndex({ name: "uq_live_codes_token", columnNames: ["token"], isUnique: true }),
          new TableIndex({ name: "ix_live_codes_tenant", columnNames: ["tenant_id", "created_at", "id"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "live_code_groups",
        columns: [{ ...ref("live_code_id"), isPrimary: true }, { ...ref("group_id"), isPrimary: true }, int("position"), bigint("added_at")],
        indices: [
          new TableIndex({ name: "ix_live_code_groups_position", columnNames: ["live_code_id", "position"] }),
          new TableIndex({ name: "ix_live_code_groups_group", columnNames: ["group_id"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "face_to_face_sessions",
        columns: [
          id(),
          ref("tenant_id"),
          varchar("digits", 4),
          { name: "latitude", type: "double" },
          { name: "longitude", type: "double" },
          ref("group_id", true),
          bigint("created_at"),
          bigint("expires_at"),
        ],
        indices: [new TableIndex({ name: "ix_f2f_sessions_lookup", columnNames: ["tenant_id", "digits", "expires_at"] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "face_to_face_participants",
        columns: [{ ...ref("session_id"), isPrimary: true }, { ...ref("user_id"), isPrimary: true }, ref("tenant_id"), bigint("joined_at")],
        indices: [new TableIndex({ name: "ix_f2f_participants_user", columnNames: ["user_id", "joined_at"] })],
      }),
    );
    // One row per (tenant, digits), locked while a session is looked up or opened, so two people
    // entering the same digits at the same moment end up in one session, not two.
    await queryRunner.createTable(
      new Table({
        name: "face_to_face_slots",
        columns: [{ ...ref("tenant_id"), isPrimary: true }, { ...varchar("digits", 4), isPrimary: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "face_to_face_attempts",
        columns: [id(), ref("tenant_id"), ref("user_id"), varchar("digits", 4), bigint("created_at")],
        indices: [new TableIndex({ name: "ix_f2f_attempts_user", columnNames: ["user_id", "created_at"] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      "face_to_face_attempts",
      "face_to_face_slots",
      "face_to_face_participants",
      "face_to_face_sessions",
      "live_code_groups",
      "live_codes",
      "group_codes",
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
