import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from "typeorm";
import { int, varchar } from "./columns";

/**
 * Evidence and messages: every history entry carries its Merkle leaf hash and the signed tree head
 * after it; a group keeps its Merkle frontier; members keep where they cleared their chat view;
 * sub-groups of a split link to their core group through parent_id, which exists already.
 */
export class Evidence1764374400000 implements MigrationInterface {
  name = "Evidence1764374400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("group_log", [
      new TableColumn(varchar("leaf_hash", 64, true)),
      new TableColumn(varchar("root_hash", 64, true)),
      new TableColumn(varchar("signature", 100, true)),
      new TableColumn(varchar("key_id", 16, true)),
    ]);
    await queryRunner.createIndex("group_log", new TableIndex({ name: "ix_group_log_group_kind_created", columnNames: ["group_id", "kind", "created_at"] }));
    await queryRunner.createIndex("group_log", new TableIndex({ name: "ix_group_log_group_kind_actor", columnNames: ["group_id", "kind", "actor_id"] }));
    await queryRunner.createIndex("group_log", new TableIndex({ name: "ix_group_log_tenant_kind_created", columnNames: ["tenant_id", "kind", "created_at"] }));
    await queryRunner.createIndex("group_members", new TableIndex({ name: "ix_group_members_tenant_kind", columnNames: ["tenant_id", "join_kind"] }));
    await queryRunner.addColumn("chat_groups", new TableColumn({ name: "merkle_frontier", type: "text", isNullable: true }));
    await queryRunner.addColumn("group_members", new TableColumn(int("cleared_through_seq", 0)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("group_members", "cleared_through_seq");
    await queryRunner.dropColumn("chat_groups", "merkle_frontier");
    await queryRunner.dropIndex("group_members", "ix_group_members_tenant_kind");
    await queryRunner.dropIndex("group_log", "ix_group_log_tenant_kind_created");
    await queryRunner.dropIndex("group_log", "ix_group_log_group_kind_actor");
    await queryRunner.dropIndex("group_log", "ix_group_log_group_kind_created");
    for (const column of ["key_id", "signature", "root_hash", "leaf_hash"]) await queryRunner.dropColumn("group_log", column);
  }
}
