import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";
import { bigint, ref } from "./columns";

/**
 * Bans (removeMember with `ban: true`): one row per banned user of a group, checked by every path
 * into the group; listed newest first per group (Group.bans).
 */
export class GroupBans1765400000000 implements MigrationInterface {
  name = "GroupBans1765400000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "group_bans",
        columns: [
          { ...ref("group_id"), isPrimary: true },
          { ...ref("user_id"), isPrimary: true },
          ref("tenant_id"),
          ref("banned_by", true),
          bigint("created_at"),
        ],
        indices: [new TableIndex({ name: "ix_group_bans_list", columnNames: ["group_id", "created_at", "user_id"] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("group_bans");
  }
}
