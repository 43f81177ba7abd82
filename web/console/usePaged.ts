import { useCallback, useEffect, useState } from "react";
import { GraphQLRequestError } from "../shared/graphql";
import type { Connection } from "./api";
import type { Api } from "./session";

export interface Paged<T> {
  items: T[];
  totalCount: number;
  hasMore: boolean;
  loading: boolean;
  error: GraphQLRequestError | null;
  loadMore(): void;
  reload(): void;
}

/**
 * A Relay connection read page by page: `pick` finds the connection in the answer. Changing
 * `variables` (by value) starts again from the first page.
 */
export function usePaged<T, D>(api: Api, query: string, variables: Record<string, unknown>, pick: (data: D) => Connection<T>): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [totalCount, setTotalCount] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<GraphQLRequestError | null>(null);
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);

  const fetchPage = useCallback(
    async (after: string | null, append: boolean) => {
      setLoading(true);
      try {
        const connection = pick(await api<D>(query, { ...JSON.parse(key), after }));
        const nodes = connection.edges.map((e) => e.node);
        setItems((previous) => (append ? [...previous, ...nodes] : nodes));
        setTotalCount(connection.totalCount);
        setCursor(connection.pageInfo.endCursor);
        setHasMore(connection.pageInfo.hasNextPage);
        setError(null);
      } catch (caught) {
        setError(caught instanceof GraphQLRequestError ? caught : new GraphQLRequestError(String(caught), ["CLIENT_ERROR"], 0));
      } finally {
        setLoading(false);
      }
    },
    // `pick` is a pure selector; re-creating it on every render must not refetch.
    [api, query, key],
  );

  useEffect(() => {
    void fetchPage(null, false);
  }, [fetchPage, generation]);

  return {
    items,
    totalCount,
    hasMore,
    loading,
    error,
    loadMore: () => void fetchPage(cursor, true),
    reload: () => setGeneration((g) => g + 1),
  };
}
