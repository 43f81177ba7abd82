import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { toGlobalId } from "../../common/global-id";
import { Node } from "../../graphql/node";
import { DateTimeScalar } from "../../common/scalars";
import { InstantColumn, RowIdColumn } from "../../db/columns";
import type { PolicyOverrides } from "../../policy/fields";
import { Plan } from "../../policy/limits";

@Entity("tenants")
@ObjectType("Tenant", { simpleResolvers: true, implements: Node, description: "A customer of the platform: its users, groups and plan." })
export class Tenant implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("Tenant", this.rowId);
  }

  @Field(() => String)
  @Column({ type: "varchar", length: 100 })
  name: string;

  @Field(() => Plan)
  @Column({ type: "varchar", length: 32 })
  plan: Plan;

  /** Operator overrides of the plan's limits (JSON). */
  @Column({ type: "simple-json", nullable: true })
  policyOverrides: PolicyOverrides | null;

  @Column({ type: "varchar", length: 200, nullable: true })
  financialLicense: string | null;

  @Column({ type: "varchar", length: 500, nullable: true })
  dataUsageRulesUrl: string | null;

  /** HMAC secret user tokens of this tenant are signed with; never leaves the server. */
  @Column({ type: "varchar", length: 64 })
  jwtSecret: string;

  /** Bumped on every change, so cached policy objects know when they are stale. */
  @Column({ type: "int" })
  version: number;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;

  @InstantColumn()
  updatedAt: number;
}
