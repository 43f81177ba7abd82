import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { toGlobalId } from "../../common/global-id";
import { Node } from "../../graphql/node";
import { DateTimeScalar } from "../../common/scalars";
import { BigIntColumn, InstantColumn, RefColumn, RowIdColumn } from "../../db/columns";
import { GroupCodeType, LiveCodeStatus } from "./code.enums";

@Entity("group_codes")
@ObjectType("GroupCode", { implements: Node, simpleResolvers: true, description: "A group QR code: a link that joins its group." })
export class GroupCode implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("GroupCode", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @RefColumn("group_id")
  groupId: string;

  @Field(() => GroupCodeType)
  @Column({ type: "varchar", length: 16 })
  type: GroupCodeType;

  @Field(() => String, { description: "Unguessable (192 random bits), URL-safe; reveals nothing about the group." })
  @Column({ type: "varchar", length: 64 })
  token: string;

  @Field(() => String, { nullable: true, description: "Campaign tag copied into the joinSource of everyone who joins through the code." })
  @Column({ type: "varchar", length: 30, nullable: true })
  state: string | null;

  @Field(() => Int, { nullable: true })
  @Column({ type: "int", nullable: true })
  maxUses: number | null;

  @Field(() => Int)
  @Column({ type: "int" })
  uses: number;

  @Field(() => DateTimeScalar, { nullable: true, description: "Null for permanent codes." })
  @InstantColumn({ nullable: true })
  expiresAt: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @InstantColumn({ nullable: true })
  revokedAt: number | null;

  @RefColumn("created_by", { nullable: true })
  createdBy: string | null;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;
}

@Entity("live_codes")
@ObjectType("LiveCode", { implements: Node, simpleResolvers: true, description: "An enterprise live code: one link spreading joiners over several groups." })
export class LiveCode implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("LiveCode", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 100 })
  name: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 64 })
  token: string;

  @Field(() => Int, { description: "Members per group before joiners go to the next group." })
  @Column({ type: "int" })
  perGroupCap: number;

  @Field(() => Boolean)
  @Column({ type: "boolean" })
  autoCreateGroups: boolean;

  @Field(() => String, { nullable: true, description: "New groups are named \"<baseName> <n>\"." })
  @Column({ type: "varchar", length: 90, nullable: true })
  baseName: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @InstantColumn({ nullable: true })
  expiresAt: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  welcomeMessage: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 30, nullable: true })
  state: string | null;

  /** CRM tags every user who joins through the code receives (JSON; null: none). */
  @Column({ name: "tags", type: "simple-json", nullable: true })
  tagList: string[] | null;

  @Field(() => [String], { description: "CRM tags every user who joins through the code receives (as many as fit under the 20-tag limit)." })
  get tags(): string[] {
    return this.tagList ?? [];
  }

  /** Stored status (ACTIVE or DISABLED); past `expiresAt` it reads as EXPIRED. */
  @Column({ name: "status", type: "varchar", length: 16 })
  storedStatus: LiveCodeStatus;

  @RefColumn("created_by")
  createdBy: string;

  @Field(() => Int, { description: "People who joined a group through this code." })
  @Column({ type: "int" })
  joinCount: number;

  @Column({ type: "int" })
  groupsCreated: number;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;

  @InstantColumn()
  updatedAt: number;
}

@Entity("live_code_groups")
export class LiveCodeGroup {
  @PrimaryColumn({ name: "live_code_id", type: "varchar", length: 36 })
  liveCodeId: string;

  @PrimaryColumn({ name: "group_id", type: "varchar", length: 36 })
  groupId: string;

  @Column({ type: "int" })
  position: number;

  @InstantColumn()
  addedAt: number;
}

@Entity("face_to_face_sessions")
@ObjectType("FaceToFaceSession", { implements: Node, simpleResolvers: true, description: "People nearby who entered the same four digits." })
export class FaceToFaceSession implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("FaceToFaceSession", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @Column({ type: "varchar", length: 4 })
  digits: string;

  @Column({ type: "double" })
  latitude: number;

  @Column({ type: "double" })
  longitude: number;

  @RefColumn("group_id", { nullable: true })
  groupId: string | null;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  expiresAt: number;
}

@Entity("face_to_face_participants")
export class FaceToFaceParticipant {
  @PrimaryColumn({ name: "session_id", type: "varchar", length: 36 })
  sessionId: string;

  @PrimaryColumn({ name: "user_id", type: "varchar", length: 36 })
  userId: string;

  @RefColumn("tenant_id")
  tenantId: string;

  @BigIntColumn()
  joinedAt: number;
}

@Entity("face_to_face_slots")
export class FaceToFaceSlot {
  @PrimaryColumn({ name: "tenant_id", type: "varchar", length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: "varchar", length: 4 })
  digits: string;
}

@Entity("face_to_face_attempts")
export class FaceToFaceAttempt {
  @RowIdColumn()
  rowId: string;

  @RefColumn("tenant_id")
  tenantId: string;

  @RefColumn("user_id")
  userId: string;

  @Column({ type: "varchar", length: 4 })
  digits: string;

  @InstantColumn()
  createdAt: number;
}
