import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";
import { bigint, id, varchar } from "./columns";

/**
 * The platform operator's keyword lists (BASELINE for every tenant, MINOR_PROTECTION for EDUCATION
 * groups) and the version of every keyword list, so each instance knows when its cached matcher is stale.
 */
export class PlatformModeration1765300000000 implements MigrationInterface {
  name = "PlatformModeration1765300000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "platform_moderation_keywords",
        columns: [id(), varchar("list", 24), varchar("term", 50), varchar("folded", 200), varchar("action", 8), bigint("created_at")],
        indices: [new TableIndex({ name: "ix_platform_moderation_keywords_list", columnNames: ["list", "term"] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "moderation_list_versions",
        columns: [{ ...varchar("scope", 64), isPrimary: true }, varchar("version", 36)],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("moderation_list_versions");
    await queryRunner.dropTable("platform_moderation_keywords");
  }
}
