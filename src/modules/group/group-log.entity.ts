import { Column, Entity } from "typeorm";
import { InstantColumn, RefColumn, RowIdColumn } from "../../db/columns";

/** Structured details of a history entry (flat JSON). */
export type LogData = Record<string, string | number | boolean | null>;

/**
 * One entry of a group's append-only history: membership events now, messages later. `seq` runs
 * 1, 2, 3… per group with no gaps; it is allocated under the group's row lock.
 */
@Entity("group_log")
export class GroupLogEntry {
  @RowIdColumn()
  rowId: string;

  @RefColumn("tenant_id")
  tenantId: string;

  @RefColumn("group_id")
  groupId: string;

  @Column({ type: "int" })
  seq: number;

  @Column({ type: "varchar", length: 32 })
  kind: string;

  @RefColumn("actor_id", { nullable: true })
  actorId: string | null;

  @RefColumn("subject_id", { nullable: true })
  subjectId: string | null;

  @Column({ type: "text", nullable: true })
  text: string | null;

  @Column({ type: "varchar", length: 16 })
  status: string;

  @Column({ type: "simple-json", nullable: true })
  data: LogData | null;

  @InstantColumn()
  createdAt: number;
}
