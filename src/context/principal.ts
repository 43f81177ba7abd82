/** Who is calling. Resolved once per request from the `Authorization` header. */
export type Principal =
  | { kind: "ANONYMOUS" }
  | { kind: "PLATFORM" }
  | { kind: "TENANT"; tenantId: string }
  | { kind: "USER"; tenantId: string; userId: string };

export type PrincipalKind = Principal["kind"];
