import { type MigrationInterface, type QueryRunner, TableIndex } from "typeorm";

/**
 * Group statistics read only an index: (group_id, kind, created_at, actor_id) covers message
 * counts, active members and top speakers over a time window, so 100,000 messages are an index
 * range scan with no row lookups. It replaces the two narrower indexes it subsumes.
 */
export class ActivityIndex1764547200000 implements MigrationInterface {
  name = "ActivityIndex1764547200000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("group_log", new TableIndex({ name: "ix_group_log_activity", columnNames: ["group_id", "kind", "created_at", "actor_id"] }));
    await queryRunner.dropIndex("group_log", "ix_group_log_group_kind_created");
    await queryRunner.dropIndex("group_log", "ix_group_log_group_kind_actor");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("group_log", new TableIndex({ name: "ix_group_log_group_kind_actor", columnNames: ["group_id", "kind", "actor_id"] }));
    await queryRunner.createIndex("group_log", new TableIndex({ name: "ix_group_log_group_kind_created", columnNames: ["group_id", "kind", "created_at"] }));
    await queryRunner.dropIndex("group_log", "ix_group_log_activity");
  }
}
