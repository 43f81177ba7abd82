import { Column, Entity, PrimaryColumn } from "typeorm";
import { BigIntColumn, RefColumn } from "../../db/columns";

/**
 * A group's activity on one UTC day: MESSAGE and MEMBER_JOINED history entries, counted as they
 * are appended (activity-counters.ts). `day` is the start of the day in epoch ms.
 */
@Entity("group_activity_days")
export class GroupActivityDay {
  @PrimaryColumn({ name: "group_id", type: "varchar", length: 36 })
  groupId: string;

  @BigIntColumn({ primary: true })
  day: number;

  @RefColumn("tenant_id")
  tenantId: string;

  @Column({ type: "int", default: 0 })
  messages: number;

  @Column({ type: "int", default: 0 })
  joins: number;
}

/** One member's messages in one group on one UTC day (the window's active members and top speakers). */
@Entity("member_activity_days")
export class MemberActivityDay {
  @PrimaryColumn({ name: "group_id", type: "varchar", length: 36 })
  groupId: string;

  @BigIntColumn({ primary: true })
  day: number;

  @PrimaryColumn({ name: "user_id", type: "varchar", length: 36 })
  userId: string;

  @RefColumn("tenant_id")
  tenantId: string;

  @Column({ type: "int", default: 0 })
  messages: number;
}
