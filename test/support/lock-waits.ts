import type { Connection } from "mysql2/promise";

/**
 * How many other connections of `database` run a statement on chat_groups that waits for a
 * group's row lock while `connection` holds it (MariaDB's process list): a `SELECT … FROM
 * chat_groups … FOR UPDATE`, or an `UPDATE chat_groups` that takes the lock itself (a combined
 * batch of joins sends its writes in one compound statement, whose first UPDATE takes the group's
 * lock; the process list shows the statement it is at). MariaDB's INNODB_TRX does not list such a
 * transaction as LOCK WAIT when it began in an earlier compound statement, so the statements are
 * counted instead.
 */
export async function groupLockWaiters(connection: Connection, database: string): Promise<number> {
  const [rows] = await connection.query(
    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID() AND COMMAND = 'Query' AND (INFO LIKE '%FROM `chat_groups`%FOR UPDATE%' OR INFO LIKE 'UPDATE chat_groups %')",
    [database],
  );
  return Number((rows as Array<{ n: number | string }>)[0].n);
}
