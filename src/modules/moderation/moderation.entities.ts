import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { toGlobalId } from "../../common/global-id";
import { Node } from "../../graphql/node";
import { DateTimeScalar } from "../../common/scalars";
import { InstantColumn, RefColumn, RowIdColumn } from "../../db/columns";
import { KeywordAction, ReviewStatus, ReviewSubjectType, RiskEventKind } from "./moderation.enums";

@Entity("moderation_keywords")
@ObjectType("ModerationKeyword", { simpleResolvers: true })
export class ModerationKeyword {
  @RowIdColumn()
  rowId: string;

  @RefColumn("tenant_id")
  tenantId: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 50 })
  term: string;

  /** The term folded for matching (see foldForMatching). */
  @Column({ type: "varchar", length: 200 })
  folded: string;

  @Field(() => KeywordAction)
  @Column({ type: "varchar", length: 8 })
  action: KeywordAction;

  @InstantColumn()
  createdAt: number;
}

@Entity("review_items")
@ObjectType("ReviewItem", { implements: Node, simpleResolvers: true, description: "Content waiting for a person's decision." })
export class ReviewItem implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("ReviewItem", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @Column({ type: "varchar", length: 16 })
  subjectType: ReviewSubjectType;

  @RefColumn("subject_id")
  subjectId: string;

  @Field(() => String, { description: "Why the item is held, e.g. the matched keyword." })
  @Column({ type: "varchar", length: 500 })
  reason: string;

  @Field(() => ReviewStatus)
  @Column({ type: "varchar", length: 16 })
  status: ReviewStatus;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;

  @Field(() => DateTimeScalar, { nullable: true })
  @InstantColumn({ nullable: true })
  resolvedAt: number | null;
}

@Entity("risk_events")
@ObjectType("RiskEvent", { implements: Node, simpleResolvers: true, description: "Behaviour the risk controls noticed." })
export class RiskEvent implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("RiskEvent", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @Field(() => RiskEventKind)
  @Column({ type: "varchar", length: 32 })
  kind: RiskEventKind;

  @RefColumn("user_id", { nullable: true })
  userId: string | null;

  @RefColumn("group_id", { nullable: true })
  groupId: string | null;

  @Field(() => String)
  @Column({ type: "varchar", length: 500 })
  detail: string;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;
}
