import { request } from "../shared/graphql";

const KEY = "gp-console-api-key";

/**
 * The tenant API key lives in sessionStorage only: it survives a reload of this tab and is gone
 * when the tab closes, and it is never sent anywhere but our own /graphql.
 */
export const session = {
  load: (): string | null => sessionStorage.getItem(KEY),
  save: (apiKey: string): void => sessionStorage.setItem(KEY, apiKey),
  clear: (): void => sessionStorage.removeItem(KEY),
};

/** The console's calls: the public API with the signed-in key. */
export type Api = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

export const apiFor = (apiKey: string): Api => (query, variables) => request(apiKey, query, variables);
