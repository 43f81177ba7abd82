import { getNamedType, type GraphQLOutputType, isListType, isNonNullType, isObjectType } from "graphql";
import { createMethodMiddlewareDecorator } from "type-graphql";
import { notPermitted, unauthenticated } from "../common/errors";
import { controlCharacterProblems } from "../common/validation";
import type { RequestContext } from "../context/context";
import type { PrincipalKind } from "../context/principal";

const DESCRIBE: Record<PrincipalKind, string> = {
  ANONYMOUS: "anyone",
  PLATFORM: "the platform operator token",
  TENANT: "a tenant API key",
  USER: "a user token",
};

/**
 * Which principals may call an operation. Anonymous callers get UNAUTHENTICATED; an authenticated
 * principal of another kind gets NOT_PERMITTED. Applied to root fields only, never to hot object fields.
 * On mutations it also applies the control-character rule to every string input (see
 * controlCharacterProblems); every mutation carries @Allow (a unit test checks it).
 */
export function Allow(...kinds: Exclude<PrincipalKind, "ANONYMOUS">[]): MethodDecorator {
  return createMethodMiddlewareDecorator<RequestContext>(({ context, info, args }, next) => {
    const { kind } = context.principal;
    if (kind === "ANONYMOUS") throw unauthenticated("This operation needs an Authorization: Bearer token");
    if (!(kinds as PrincipalKind[]).includes(kind)) {
      throw notPermitted(`This operation needs ${kinds.map((k) => DESCRIBE[k]).join(" or ")}`);
    }
    // Every mutation has @Allow, so this is the one place where every string input of every
    // mutation meets the control-character rule: refused before the resolver runs, nothing written.
    if (info.parentType.name === "Mutation") {
      const problems = controlCharacterProblems(info.fieldName, args);
      const field = info.fieldName;
      if (problems.length) {
        context.log.debug({ userErrors: problems.map((p) => p.toUserError()) }, "mutation refused");
        const refused = { ...emptyLists(info.returnType), userErrors: problems.map((p) => p.toUserError()) };
        context.mutationPayloads.push({ field, payload: refused });
        return Promise.resolve(refused);
      }
      // The payload as the resolver returned it, for the metrics' count of userErrors (metrics.ts).
      return Promise.resolve(next()).then((payload) => {
        context.mutationPayloads.push({ field, payload });
        return payload;
      });
    }
    return next();
  });
}

/**
 * A refused payload's non-null list fields as empty lists (e.g. `transferUserGroups { transferred }`),
 * so a refusal answered here is a payload like runMutation's, never a null in a non-null field.
 */
function emptyLists(returnType: GraphQLOutputType): Record<string, unknown[]> {
  const payload = getNamedType(returnType);
  if (!isObjectType(payload)) return {};
  const lists: Record<string, unknown[]> = {};
  for (const [name, field] of Object.entries(payload.getFields())) {
    if (name !== "userErrors" && isNonNullType(field.type) && isListType(field.type.ofType)) lists[name] = [];
  }
  return lists;
}
