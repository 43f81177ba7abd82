import { Field, ID, Int, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../../common/scalars";

@ObjectType("EvidenceHead", { simpleResolvers: true, description: "A signed tree head of a group's Merkle log (RFC 9162 shape, Ed25519)." })
export class EvidenceHead {
  @Field(() => Int) treeSize: number;
  @Field(() => String, { description: "Hex SHA-256 root." }) rootHash: string;
  @Field(() => DateTimeScalar) signedAt: number;
  @Field(() => String, { description: "Base64 Ed25519 signature over the tree head (see README: evidence)." }) signature: string;
  @Field(() => String, { description: "Which key signed (GET /evidence/public-key)." }) keyId: string;
  @Field(() => ID, { description: "The group's global id (`Group.id`), as the v2 signed bytes name it." }) groupId: string;
  @Field(() => Int, {
    description: "Format of the signed bytes. 2: `group-platform/evidence/v2\\n<groupId>\\n<treeSize>\\n<signedAt>\\n<rootHash>` from this object's own values; 1: heads signed before v2 (README: evidence).",
  })
  version: number;
  @Field(() => String, { description: "Base64 of exactly the bytes `signature` covers, for checking a reconstruction." }) signedBytes: string;
}

@ObjectType("InclusionProof", { simpleResolvers: true })
export class InclusionProofType {
  @Field(() => Int, { description: "0-based leaf index (the message's seq − 1)." }) leafIndex: number;
  @Field(() => Int) treeSize: number;
  @Field(() => String) leafHash: string;
  @Field(() => String, { description: "The canonical bytes the leaf hash covers (UTF-8 JSON)." }) leafData: string;
  @Field(() => [String], { description: "Hex sibling hashes, leaf to root." }) auditPath: string[];
  @Field(() => EvidenceHead) head: EvidenceHead;
}

@ObjectType("EvidenceVerification", { simpleResolvers: true })
export class EvidenceVerification {
  @Field(() => Boolean) valid: boolean;
  @Field(() => Int, { nullable: true, description: "The first row missing, altered, or under a forged head." }) firstBrokenSeq: number | null;
  @Field(() => Int) treeSize: number;
  @Field(() => String, { nullable: true }) rootHash: string | null;
}
