import { type MigrationInterface, type QueryRunner, TableColumn } from "typeorm";
import { ref } from "./columns";

/** The group announcement (群公告): the history entry that holds it (text, author, time). */
export class Announcements1765400000004 implements MigrationInterface {
  name = "Announcements1765400000004";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("chat_groups", new TableColumn(ref("announcement_entry_id", true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("chat_groups", "announcement_entry_id");
  }
}
