import { useEffect, useMemo, useState } from "react";
import { GraphQLRequestError } from "../shared/graphql";
import { TENANT_STATS, type TenantStats } from "./api";
import { ChartCanvas, type Series } from "./Chart";
import { ErrorNotice, Section } from "./common";
import { words } from "./format";
import type { Api } from "./session";

const DAY_MS = 24 * 3600 * 1000;

/** The server lists only days with activity; the chart shows every day of the window, zeros included. */
export function everyDay(points: Array<{ day: string; count: number }>, windowDays: number, now = Date.now()): Series {
  const counts = new Map(points.map((p) => [Math.floor(Date.parse(p.day) / DAY_MS), p.count]));
  const today = Math.floor(now / DAY_MS);
  const labels: string[] = [];
  const values: number[] = [];
  for (let day = today - windowDays + 1; day <= today; day++) {
    labels.push(new Date(day * DAY_MS).toISOString().slice(5, 10));
    values.push(counts.get(day) ?? 0);
  }
  return { labels, values };
}

/** Joins by source and by day, and message activity, across all the tenant's groups. */
export function Stats({ api, plan }: { api: Api; plan: string }) {
  const [days, setDays] = useState(30);
  const [stats, setStats] = useState<TenantStats | null>(null);
  const [error, setError] = useState<GraphQLRequestError | null>(null);

  useEffect(() => {
    let current = true;
    api<{ tenantStats: TenantStats }>(TENANT_STATS, { days }).then(
      (data) => {
        if (!current) return;
        setStats(data.tenantStats);
        setError(null);
      },
      (caught: unknown) => {
        if (current) setError(caught instanceof GraphQLRequestError ? caught : new GraphQLRequestError(String(caught), ["CLIENT_ERROR"], 0));
      },
    );
    return () => {
      current = false;
    };
  }, [api, days]);

  const charts = useMemo(() => {
    if (!stats) return null;
    return {
      bySource: { labels: stats.joinsBySource.map((s) => words(s.source)), values: stats.joinsBySource.map((s) => s.count) },
      joinsByDay: everyDay(stats.joinsByDay, stats.windowDays),
      messagesByDay: everyDay(stats.messagesByDay, stats.windowDays),
    };
  }, [stats]);

  if (error?.has("FEATURE_NOT_IN_PLAN")) {
    return (
      <Section title="Statistics" testId="stats">
        <p className="notice plan" data-testid="stats-not-in-plan">
          Join-source and activity statistics are not part of the <strong>{words(plan)}</strong> plan. The platform operator can move
          this tenant to an enterprise plan (or enable <code>statsEnabled</code> for it) to see them here.
        </p>
      </Section>
    );
  }
  return (
    <Section
      title="Statistics"
      testId="stats"
      actions={
        <label>
          Window{" "}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))} aria-label="Statistics window">
            {[7, 30, 90].map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </label>
      }
    >
      <ErrorNotice error={error} />
      {stats && charts && (
        <>
          <dl className="totals">
            <div>
              <dt>Groups</dt>
              <dd>{stats.groupCount}</dd>
            </div>
            <div>
              <dt>Memberships</dt>
              <dd>{stats.memberships}</dd>
            </div>
            <div>
              <dt>Messages ({stats.windowDays} days)</dt>
              <dd>{stats.messagesInWindow}</dd>
            </div>
          </dl>
          <div className="charts">
            <figure>
              <figcaption>Members by join source</figcaption>
              <ChartCanvas kind="doughnut" series={charts.bySource} label="Members" testId="chart-joins-by-source" />
            </figure>
            <figure>
              <figcaption>Joins per day</figcaption>
              <ChartCanvas kind="bar" series={charts.joinsByDay} label="Joins" testId="chart-joins-by-day" />
            </figure>
            <figure>
              <figcaption>Messages per day</figcaption>
              <ChartCanvas kind="line" series={charts.messagesByDay} label="Messages" testId="chart-messages-by-day" />
            </figure>
          </div>
        </>
      )}
    </Section>
  );
}
