import { createMethodMiddlewareDecorator } from "type-graphql";
import { notPermitted, unauthenticated } from "../common/errors";
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
 */
export function Allow(...kinds: Exclude<PrincipalKind, "ANONYMOUS">[]): MethodDecorator {
  return createMethodMiddlewareDecorator<RequestContext>(({ context }, next) => {
    const { kind } = context.principal;
    if (kind === "ANONYMOUS") throw unauthenticated("This operation needs an Authorization: Bearer token");
    if (!(kinds as PrincipalKind[]).includes(kind)) {
      throw notPermitted(`This operation needs ${kinds.map((k) => DESCRIBE[k]).join(" or ")}`);
    }
    return next();
  });
}
