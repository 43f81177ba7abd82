import { useState } from "react";
import { type Connection, GROUP_MEMBERS, GROUPS, type GroupSummary, type Member } from "./api";
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

/** Every group of the tenant, newest first; open one to see its members and how each joined. */
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
            {open === group.id && <Members api={api} groupId={group.id} />}
          </li>
        ))}
      </ul>
      <PageFooter page={page} noun="groups" />
    </Section>
  );
}
