import { type MigrationInterface, type QueryRunner, TableColumn } from "typeorm";
import { int } from "./columns";

/**
 * Which format each stored tree-head signature covers: 1 (the group's internal row id and epoch
 * milliseconds, what every head signed before this migration carries) or 2 (only values the API
 * returns: the group's global id and the ISO-8601 `signedAt`). Old heads keep verifying as v1.
 */
export class HeadVersion1764633600001 implements MigrationInterface {
  name = "HeadVersion1764633600001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("group_log", new TableColumn(int("head_version", 1)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("group_log", "head_version");
  }
}
