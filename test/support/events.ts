import { dataOf } from "./fixtures";
import type { TestServer } from "./server";

/** The event feed, one page (tenant key). */
export const FEED = `query($first: Int, $after: String, $types: [String!]) { events(first: $first, after: $after, types: $types) { totalCount edges { cursor node { id type createdAt data } } pageInfo { hasNextPage endCursor } } }`;

/** The tenant's whole feed (optionally of some types), `first` events a page, oldest first; with each page's totalCount. */
export async function feedPages(server: TestServer, apiKey: string, options: { first?: number; types?: string[] } = {}): Promise<{ nodes: any[]; totals: number[] }> {
  const nodes: any[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = dataOf(await server.gql(FEED, { first: options.first ?? 100, after, types: options.types }, apiKey)).events;
    nodes.push(...page.edges.map((e: any) => e.node));
    totals.push(page.totalCount);
    if (!page.pageInfo.hasNextPage) return { nodes, totals };
    after = page.pageInfo.endCursor;
  }
}
