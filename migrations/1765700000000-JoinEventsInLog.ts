import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from "typeorm";
import { varchar } from "./columns";

/**
 * A join's `member.joined` event is kept on its history entry instead of a row of its own in
 * `events` (group/group-events.ts IN_LOG_EVENT_TYPE): the entry holds the event's type and the
 * details the history does not (its full join source), and the feed reads such events from the
 * history through (tenant_id, event_type, created_at, id): a range in the order `events` is read
 * in. An events row had cost a join ≈ a quarter of the time MariaDB spends on it (BENCHMARKS.md,
 * round 14: ≈ 330 bytes of details, most of them copies of the entry's own columns).
 */
export class JoinEventsInLog1765700000000 implements MigrationInterface {
  name = "JoinEventsInLog1765700000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("group_log", [new TableColumn(varchar("event_type", 64, true)), new TableColumn({ name: "event_extra", type: "text", isNullable: true })]);
    await queryRunner.createIndex("group_log", new TableIndex({ name: "ix_group_log_feed", columnNames: ["tenant_id", "event_type", "created_at", "id"] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("group_log", "ix_group_log_feed");
    await queryRunner.dropColumns("group_log", ["event_type", "event_extra"]);
  }
}
