/**
 * What fields cost in query-cost points (see src/http/cost.ts and README "Limits"). The defaults
 * price an object at 1 and a scalar at 0; the fields below cost more to produce and say so next to
 * their declaration with `@Extensions({ cost })`. Prices follow measured CPU time on the worst path
 * (a cache miss), at roughly one point per 0.3 ms, so the per-principal leaky bucket
 * (RATE_LIMIT_LEAK_PER_SECOND, 2000 points/s by default) holds one principal to well under a core.
 */
export const FIELD_COSTS = Object.freeze({
  /** Drawing a QR code as SVG (~1.3 ms on a miss; cached per URL afterwards). */
  qrSvg: 5,
  /** Drawing a QR code and deflating it into a PNG data URL (~6 ms on a miss). */
  qrPngDataUrl: 20,
  /** Re-reading and re-hashing a whole group log and checking a signature (tens of ms for a few hundred entries; paged, yielding between pages). */
  verifyEvidence: 100,
  /** Re-reading a whole group log and serialising every entry's canonical leaf (as verifyEvidence, plus the JSON). */
  evidenceBundle: 100,
  /** Opening a subscription: a membership check, the replay, and a log read per event it delivers. */
  subscription: 50,
});

/**
 * The most items a plain (non-connection) list returns: the estimator multiplies the list's items by
 * this, as it multiplies a connection's by `first`. Lists that have no bound in the domain are cut
 * to it (oldest/first items first, as the field documents).
 */
export const LIST_BOUNDS = Object.freeze({
  /** Group.codes: the newest codes of a group. */
  groupCodes: 50,
  /** LiveCode.groups and LiveCodeStats.byGroup: the first groups in routing order. */
  liveCodeGroups: 100,
  /** Group.subGroups: the sub-groups split from a group, oldest first. */
  subGroups: 100,
  /** FaceToFaceSession.participants: the first arrivals. */
  faceToFaceParticipants: 100,
  /** GroupStats.joinsBySource, TenantStats.joinsBySource: one entry per join-source kind. */
  joinBreakdown: 10,
  /** GroupStats.joinsByState: the commonest campaign tags. */
  joinStates: 50,
  /** GroupStats.membersByTag: the commonest CRM tags of a group's members. */
  membersByTag: 50,
  /** GroupStats.topSpeakers. */
  topSpeakers: 10,
  /** TenantStats.joinsByDay / messagesByDay: one entry per day of the window (≤ 366 days). */
  statsDays: 366,
  /** Tenant moderation keywords (the service refuses more than 1000). */
  moderationKeywords: 1000,
});
