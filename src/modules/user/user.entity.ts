import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { toGlobalId } from "../../common/global-id";
import { Node } from "../../graphql/node";
import { DateTimeScalar } from "../../common/scalars";
import { InstantColumn, RefColumn, RowIdColumn } from "../../db/columns";

@Entity("users")
@ObjectType("User", { simpleResolvers: true, implements: Node, description: "A person in a tenant, known to the partner by `externalId`." })
export class User implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("User", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @Field(() => String, { description: "The partner's own id for this user, unique within the tenant." })
  @Column({ type: "varchar", length: 128 })
  externalId: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 64 })
  displayName: string;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;

  @InstantColumn()
  updatedAt: number;

  /** Tokens issued before this instant (epoch ms) are revoked (revokeUserTokens); null: none ever was. */
  @InstantColumn({ nullable: true })
  tokensValidFrom: number | null;
}
