import { type MigrationInterface, type QueryRunner, TableIndex } from "typeorm";

/**
 * group_log's (tenant_id, kind, created_at) index served tenant statistics counted from the
 * history; they read the per-day counters now (ActivityCounters), and no statement filters the
 * history by tenant and kind any more. Every history append (each message, each join) paid for it:
 * ≈ 10–25 % of the time MariaDB spends inserting a batch of joins' history entries, measured.
 */
export class DropTenantKindLogIndex1765600000000 implements MigrationInterface {
  name = "DropTenantKindLogIndex1765600000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("group_log", "ix_group_log_tenant_kind_created");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("group_log", new TableIndex({ name: "ix_group_log_tenant_kind_created", columnNames: ["tenant_id", "kind", "created_at"] }));
  }
}
