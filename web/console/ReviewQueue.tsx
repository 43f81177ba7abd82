import { useState } from "react";
import { type Connection, type ResolveReviewItem, RESOLVE_REVIEW_ITEM, REVIEW_QUEUE, type ReviewItem, type ReviewStatus } from "./api";
import { Badge, ErrorNotice, PageFooter, Section } from "./common";
import { when } from "./format";
import type { Api } from "./session";
import { usePaged } from "./usePaged";
import { useRowAction } from "./useRowAction";

const STATUSES: ReviewStatus[] = ["PENDING", "APPROVED", "REJECTED"];

function Subject({ item }: { item: ReviewItem }) {
  const subject = item.subject;
  if (!subject) return <span className="muted">(gone)</span>;
  if (subject.__typename === "Group") {
    return (
      <span>
        Group <strong>{subject.name}</strong> · {subject.memberCount} members · owner {subject.owner?.displayName ?? "—"} · <Badge value={subject.status} />
      </span>
    );
  }
  return (
    <span>
      Message from {subject.sender?.displayName ?? "—"}: <q>{subject.text}</q>
    </span>
  );
}

/** Items held for manual review (a REVIEW keyword matched); approve or reject each one. */
export function ReviewQueue({ api }: { api: Api }) {
  const [status, setStatus] = useState<ReviewStatus>("PENDING");
  const page = usePaged(api, REVIEW_QUEUE, { status }, (d: { reviewQueue: Connection<ReviewItem> }) => d.reviewQueue);
  const { busy, outcome, run } = useRowAction(page.reload);

  function resolve(item: ReviewItem, decision: "APPROVE" | "REJECT") {
    return run(
      item.id,
      async () => (await api<ResolveReviewItem>(RESOLVE_REVIEW_ITEM, { input: { reviewItemId: item.id, decision } })).resolveReviewItem,
      `${decision === "APPROVE" ? "Approved" : "Rejected"}: ${item.reason}`,
    );
  }

  return (
    <Section
      title="Review queue"
      testId="review-queue"
      actions={
        <label>
          Status{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value as ReviewStatus)} aria-label="Review status">
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      }
    >
      <ErrorNotice error={page.error} />
      {outcome && (
        <p className="notice" role="status">
          {outcome}
        </p>
      )}
      {page.items.length === 0 && !page.loading ? (
        <p className="empty">Nothing {status.toLowerCase()}.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Reason</th>
              <th>Subject</th>
              <th>Raised</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {page.items.map((item) => (
              <tr key={item.id} data-review-item={item.id}>
                <td>{item.reason}</td>
                <td>
                  <Subject item={item} />
                </td>
                <td>{when(item.createdAt)}</td>
                <td>
                  <Badge value={item.status} />
                </td>
                <td className="actions">
                  {item.status === "PENDING" && (
                    <>
                      <button type="button" className="approve" disabled={busy !== null} onClick={() => resolve(item, "APPROVE")}>
                        Approve
                      </button>
                      <button type="button" className="reject" disabled={busy !== null} onClick={() => resolve(item, "REJECT")}>
                        Reject
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PageFooter page={page} noun="items" />
    </Section>
  );
}
