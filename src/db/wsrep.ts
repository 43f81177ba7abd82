/** A Galera node's replication state, as `SHOW GLOBAL STATUS` reports it. */
export interface WsrepStatus {
  /** wsrep_ready: the node accepts queries. */
  ready: boolean;
  /** wsrep_local_state_comment: Synced, Donor/Desynced, Joining, … */
  state: string;
  /** wsrep_cluster_status: Primary while the node is in the component holding quorum. */
  clusterStatus: string;
  clusterSize: number;
}

export const WSREP_STATUS_SQL =
  "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state_comment', 'wsrep_cluster_status', 'wsrep_cluster_size')";

export function parseWsrepStatus(rows: Array<{ Variable_name: string; Value: string }>): WsrepStatus {
  const values = new Map(rows.map((r) => [r.Variable_name, r.Value]));
  return {
    ready: values.get("wsrep_ready") === "ON",
    state: values.get("wsrep_local_state_comment") ?? "unknown",
    clusterStatus: values.get("wsrep_cluster_status") ?? "unknown",
    clusterSize: Number(values.get("wsrep_cluster_size") ?? 0),
  };
}
