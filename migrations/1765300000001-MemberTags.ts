import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from "typeorm";
import { bigint, ref, varchar } from "./columns";

/** CRM member tags (one row per user and tag) and the tags a live code gives whoever joins through it. */
export class MemberTags1765300000001 implements MigrationInterface {
  name = "MemberTags1765300000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "user_tags",
        columns: [{ ...ref("user_id"), isPrimary: true }, { ...varchar("tag", 32), isPrimary: true }, ref("tenant_id"), bigint("created_at")],
        indices: [new TableIndex({ name: "ix_user_tags_tenant_tag", columnNames: ["tenant_id", "tag", "user_id"] })],
      }),
    );
    await queryRunner.addColumn("live_codes", new TableColumn({ name: "tags", type: "text", isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("live_codes", "tags");
    await queryRunner.dropTable("user_tags");
  }
}
