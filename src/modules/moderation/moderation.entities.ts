import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { toGlobalId } from "../../common/global-id";
import { Node } from "../../graphql/node";
import { DateTimeScalar } from "../../common/scalars";
import { InstantColumn, RefColumn, RowIdColumn } from "../../db/columns";
import { KeywordAction, PlatformKeywordList, ReviewStatus, ReviewSubjectType, RiskEventKind } from "./moderation.enums";

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

/** A term of one of the platform operator's lists, applied to every tenant. */
@Entity("platform_moderation_keywords")
@ObjectType("PlatformModerationKeyword", { simpleResolvers: true })
export class PlatformModerationKeyword {
  @RowIdColumn()
  rowId: string;

  @Field(() => PlatformKeywordList)
  @Column({ type: "varchar", length: 24 })
  list: PlatformKeywordList;

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

/**
 * The version of one keyword list ("tenant:<id>", "platform:BASELINE", …), raised in the transaction
 * that replaces the list: instances rebuild their cached matcher when it changes.
 */
@Entity("moderation_list_versions")
export class ModerationListVersion {
  @PrimaryColumn({ type: "varchar", length: 64 })
  scope: string;

  /** A fresh id per change (never a counter: a rolled-back change's version must never recur). */
  @Column({ type: "varchar", length: 36 })
  version: string;
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
