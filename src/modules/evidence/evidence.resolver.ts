import { GraphQLError } from "graphql";
import { Arg, Ctx, Extensions, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { ErrorCode } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import type { RequestContext } from "../../context/context";
import { Allow } from "../../graphql/allow";
import { nodeNotFound } from "../../graphql/node-registry";
import { FIELD_COSTS } from "../../policy/cost";
import { GroupLogEntry } from "../group/group-log.entity";
import { Group } from "../group/group.entity";
import { viewerMembership } from "../group/group.loaders";
import { GroupReader } from "../group/group.reader";
import { mayDo } from "../group/roles";
import { MessageService } from "../message/message.service";
import { EvidenceService } from "./evidence.service";
import { EvidenceHead, EvidenceVerification, InclusionProofType } from "./evidence.types";

/** The evidence API: inclusion proofs, verification, bundles for auditors. */
@Resolver()
export class EvidenceResolver {
  constructor(
    private readonly evidenceService: EvidenceService,
    private readonly groupReader: GroupReader,
    private readonly messageService: MessageService,
  ) {}

  @Query(() => InclusionProofType, { description: "Proof that a message is in its group's signed log." })
  @Allow("TENANT", "USER")
  async evidenceProof(@Arg("messageId", () => ID) messageId: string, @Ctx() ctx: RequestContext) {
    const entry = await this.readableEntry(ctx, messageId);
    return this.evidenceService.proof(entry);
  }

  @Query(() => EvidenceVerification, { description: "Recomputes a group's log from the stored rows and checks its signed heads." })
  @Extensions({ cost: FIELD_COSTS.verifyEvidence })
  @Allow("TENANT", "USER")
  async verifyEvidence(@Arg("groupId", () => ID) groupId: string, @Ctx() ctx: RequestContext) {
    return this.evidenceService.verify(await this.visibleGroup(ctx, groupId));
  }

  @Query(() => String, { description: "Tenant or owner: the group's evidence bundle (JSON) for `npm run verify-evidence`." })
  @Extensions({ cost: FIELD_COSTS.evidenceBundle })
  @Allow("TENANT", "USER")
  async evidenceBundle(@Arg("groupId", () => ID) groupId: string, @Ctx() ctx: RequestContext): Promise<string> {
    const group = await this.visibleGroup(ctx, groupId);
    const membership = ctx.principal.kind === "USER" ? await ctx.loaders.get(viewerMembership).load(group.rowId) : null;
    if (ctx.principal.kind === "USER" && !(membership && mayDo(membership.role, "export evidence"))) {
      throw new GraphQLError("Only the owner or the tenant exports evidence", { extensions: { code: ErrorCode.NOT_PERMITTED } });
    }
    const bundle = await this.evidenceService.bundle(group);
    return JSON.stringify(bundle, null, 2);
  }

  private async visibleGroup(ctx: RequestContext, groupId: string): Promise<Group> {
    const rowId = rowIdOf(groupId, "Group");
    const group = rowId ? await this.groupReader.visibleGroup(ctx, rowId) : null;
    if (!group) throw nodeNotFound();
    return group;
  }

  private async readableEntry(ctx: RequestContext, messageId: string): Promise<GroupLogEntry> {
    const rowId = rowIdOf(messageId, "Message");
    const entry = rowId && ctx.tenant ? await ctx.db.read((em) => em.findOneBy(GroupLogEntry, { rowId, tenantId: ctx.tenantId })) : null;
    if (!entry || !(await this.messageService.canRead(ctx, entry))) throw nodeNotFound();
    return entry;
  }
}

@Resolver(() => Group)
export class GroupEvidenceResolver {
  constructor(
    private readonly evidenceService: EvidenceService,
    private readonly groupReader: GroupReader,
  ) {}

  @FieldResolver(() => EvidenceHead, { nullable: true, description: "The signed tree head of the group's Merkle log." })
  async evidence(@Root() group: Group, @Ctx() ctx: RequestContext) {
    if (!(await this.groupReader.canSee(ctx, group))) return null;
    return this.evidenceService.head(group);
  }
}
