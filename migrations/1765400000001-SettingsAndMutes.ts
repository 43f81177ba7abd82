import { type MigrationInterface, type QueryRunner, TableColumn } from "typeorm";
import { bigint, bool } from "./columns";

/**
 * Group settings (join approval, mute all, welcome message) on the group row, and each member's
 * mute end (epoch ms; null: not muted).
 */
export class SettingsAndMutes1765400000001 implements MigrationInterface {
  name = "SettingsAndMutes1765400000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("chat_groups", [
      new TableColumn(bool("join_approval")),
      new TableColumn(bool("mute_all")),
      new TableColumn({ name: "welcome_message", type: "text", isNullable: true }),
    ]);
    await queryRunner.addColumn("group_members", new TableColumn(bigint("muted_until", true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("group_members", "muted_until");
    for (const column of ["welcome_message", "mute_all", "join_approval"]) await queryRunner.dropColumn("chat_groups", column);
  }
}
