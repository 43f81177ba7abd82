import { useState } from "react";
import { type Ban, type Connection, GROUP_BANS, GROUP_JOIN_REQUESTS, GROUP_MEMBERS, GROUPS, type GroupSummary, type JoinRequest, type Member } from "./api";
import { Badge, ErrorNotice, PageFooter, Section } from "./common";
import { when, words } from "./format";
import type { Api } from "./session";
import { usePaged } from "./usePaged";

const STATUSES = ["", "ACTIVE", "PENDING_REVIEW", "BLOCKED", "DISSOLVED"];

/** How a member came in: the join source's kind, with the inviter, code and campaign state it carries. */
function JoinSource({ source }: { source: Member["joinSource"] }) {
  const details = [
    source.inviter && `invited by ${source.inviter.displayName}`,
    source.code && `${words(source.code.type)} code`,
    source.liveCode && `live code “${source.liveCode.name}”`,
    source.state && `state “${source.state}”`,
  ].filter(Boolean);
  return (
    <span>
      <Badge value={source.kind} /> {details.join(" · ")}
    </span>
  );
}

function Members({ api, groupId }: { api: Api; groupId: string }) {
  const [tag, setTag] = useState("");
  const filter = tag.trim();
  const page = usePaged(api, GROUP_MEMBERS, { id: groupId, tag: filter || null }, (d: { group: { members: Connection<Member> } }) => d.group.members);
  return (
    <div className="members" data-testid="members">
      <label className="tag-filter">
        Tag{" "}
        <input type="search" value={tag} onChange={(e) => setTag(e.target.value)} placeholder="any" maxLength={32} aria-label="Member tag" />
      </label>
      <ErrorNotice error={page.error} />
      <table>
        <thead>
          <tr>
            <th>Member</th>
            <th>Role</th>
            <th>Joined</th>
            <th>Join source</th>
            <th>Muted until</th>
            <th>Tags</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map((member) => (
            <tr key={member.user.externalId}>
              <td>
                {member.user.displayName} <span className="muted">({member.user.externalId})</span>
              </td>
              <td>{words(member.role)}</td>
              <td>{when(member.joinedAt)}</td>
              <td>
                <JoinSource source={member.joinSource} />
              </td>
              <td>{member.mutedUntil ? when(member.mutedUntil) : <span className="muted">—</span>}</td>
              <td>
                {(member.user.tags ?? []).map((t) => (
                  <span key={t} className="tag">
                    {t}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <PageFooter page={page} noun="members" />
    </div>
  );
}

/** Join requests waiting for the group's owner or an admin (join approval on). */
function JoinRequests({ api, groupId }: { api: Api; groupId: string }) {
  const page = usePaged(api, GROUP_JOIN_REQUESTS, { id: groupId }, (d: { group: { joinRequests: Connection<JoinRequest> } }) => d.group.joinRequests);
  return (
    <div className="members" data-testid="join-requests">
      <h3>Pending join requests</h3>
      <ErrorNotice error={page.error} />
      {page.items.length === 0 && !page.loading && <p className="empty">No pending join requests.</p>}
      {page.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Requester</th>
              <th>Asked</th>
              <th>Came by</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((request) => (
              <tr key={request.id}>
                <td>
                  {request.requester.displayName} <span className="muted">({request.requester.externalId})</span>
                </td>
                <td>{when(request.createdAt)}</td>
                <td>
                  <Badge value={request.source.kind} /> {[request.inviter && `invited by ${request.inviter.displayName}`, request.source.state && `state “${request.source.state}”`].filter(Boolean).join(" · ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PageFooter page={page} noun="join requests" />
    </div>
  );
}

/** Users banned from the group: no path brings them back until unbanned. */
function Bans({ api, groupId }: { api: Api; groupId: string }) {
  const page = usePaged(api, GROUP_BANS, { id: groupId }, (d: { group: { bans: Connection<Ban> } }) => d.group.bans);
  return (
    <div className="members" data-testid="bans">
      <h3>Bans</h3>
      <ErrorNotice error={page.error} />
      {page.items.length === 0 && !page.loading && <p className="empty">Nobody is banned.</p>}
      {page.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>User</th>
              <th>Banned</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((ban) => (
              <tr key={ban.user.externalId}>
                <td>
                  {ban.user.displayName} <span className="muted">({ban.user.externalId})</span>
                </td>
                <td>{when(ban.createdAt)}</td>
                <td>{ban.bannedBy?.displayName ?? "the tenant"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PageFooter page={page} noun="bans" />
    </div>
  );
}

/** Every group of the tenant, newest first; open one to see its members (how each joined, who is muted), pending join requests and bans. */
export function Groups({ api }: { api: Api }) {
  const [status, setStatus] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const page = usePaged(api, GROUPS, { status: status || null }, (d: { groups: Connection<GroupSummary> }) => d.groups);
  return (
    <Section
      title="Groups"
      testId="groups"
      actions={
        <label>
          Status{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Group status">
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s ? words(s) : "any"}
              </option>
            ))}
          </select>
        </label>
      }
    >
      <ErrorNotice error={page.error} />
      {page.items.length === 0 && !page.loading && <p className="empty">No groups.</p>}
      <ul className="group-list">
        {page.items.map((group) => (
          <li key={group.id} className={open === group.id ? "open" : ""}>
            <button type="button" className="group-row" aria-expanded={open === group.id} onClick={() => setOpen(open === group.id ? null : group.id)}>
              <strong>{group.name}</strong>
              <span>
                {group.memberCount}/{group.maxMembers} members
              </span>
              <span>owner {group.owner?.displayName ?? "—"}</span>
              <span>{words(group.category)}</span>
              <Badge value={group.status} />
              <span className="muted">{when(group.createdAt)}</span>
            </button>
            {open === group.id && (
              <>
                <Members api={api} groupId={group.id} />
                <JoinRequests api={api} groupId={group.id} />
                <Bans api={api} groupId={group.id} />
              </>
            )}
          </li>
        ))}
      </ul>
      <PageFooter page={page} noun="groups" />
    </Section>
  );
}
