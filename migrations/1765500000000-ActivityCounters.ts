import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";
import { bigint, int, ref } from "./columns";

const DAY_MS = 86_400_000;

/**
 * Per-day activity counters, kept by GroupLog in the transaction that appends the history entries
 * (see modules/stats/activity-counters.ts), so statistics read a row per day instead of counting
 * the history: per group and UTC day its messages and joins (also per tenant and day for
 * tenantStats), and per group, day and member that member's messages. `day` is the start of the
 * UTC day in epoch ms. Existing histories are counted once here.
 */
export class ActivityCounters1765500000000 implements MigrationInterface {
  name = "ActivityCounters1765500000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "group_activity_days",
        columns: [{ ...ref("group_id"), isPrimary: true }, { ...bigint("day"), isPrimary: true }, ref("tenant_id"), int("messages", 0), int("joins", 0)],
        indices: [new TableIndex({ name: "ix_group_activity_days_tenant", columnNames: ["tenant_id", "day"] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "member_activity_days",
        columns: [{ ...ref("group_id"), isPrimary: true }, { ...bigint("day"), isPrimary: true }, { ...ref("user_id"), isPrimary: true }, ref("tenant_id"), int("messages", 0)],
      }),
    );
    // Every MESSAGE entry counts, whatever its status later became (held, approved, rejected), as the aggregation over the history did.
    await queryRunner.query(
      `INSERT INTO group_activity_days (group_id, day, tenant_id, messages, joins)
       SELECT group_id, created_at - created_at % ${DAY_MS}, MIN(tenant_id),
              SUM(CASE WHEN kind = 'MESSAGE' THEN 1 ELSE 0 END), SUM(CASE WHEN kind = 'MEMBER_JOINED' THEN 1 ELSE 0 END)
       FROM group_log WHERE kind IN ('MESSAGE', 'MEMBER_JOINED')
       GROUP BY group_id, created_at - created_at % ${DAY_MS}`,
    );
    await queryRunner.query(
      `INSERT INTO member_activity_days (group_id, day, user_id, tenant_id, messages)
       SELECT group_id, created_at - created_at % ${DAY_MS}, actor_id, MIN(tenant_id), COUNT(*)
       FROM group_log WHERE kind = 'MESSAGE' AND actor_id IS NOT NULL
       GROUP BY group_id, created_at - created_at % ${DAY_MS}, actor_id`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("member_activity_days");
    await queryRunner.dropTable("group_activity_days");
  }
}
