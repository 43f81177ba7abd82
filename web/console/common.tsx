import type { ReactNode } from "react";
import type { GraphQLRequestError } from "../shared/graphql";
import type { Paged } from "./usePaged";

export function ErrorNotice({ error }: { error: GraphQLRequestError | null }) {
  if (!error) return null;
  return (
    <p className="notice error" role="alert">
      {error.message} <code>{error.codes.join(", ")}</code>
    </p>
  );
}

/** The footer of a paged list: how many, and a button for the next page. */
export function PageFooter<T>({ page, noun }: { page: Paged<T>; noun: string }) {
  return (
    <div className="page-footer">
      <span>
        {page.items.length} of {page.totalCount} {noun}
      </span>
      {page.hasMore && (
        <button type="button" onClick={page.loadMore} disabled={page.loading}>
          Load more
        </button>
      )}
      {page.loading && <span className="muted">Loading…</span>}
    </div>
  );
}

export function Section({ title, actions, children, testId }: { title: string; actions?: ReactNode; children: ReactNode; testId: string }) {
  return (
    <section className="panel" data-testid={testId}>
      <header className="panel-header">
        <h2>{title}</h2>
        <div className="panel-actions">{actions}</div>
      </header>
      {children}
    </section>
  );
}

export function Badge({ value }: { value: string }) {
  return <span className={`badge badge-${value.toLowerCase()}`}>{value.replace(/_/g, " ")}</span>;
}
