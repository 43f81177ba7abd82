import type { Logger as PinoLogger } from "pino";
import type { Logger, QueryRunner } from "typeorm";

/**
 * TypeORM's logger, reduced to what the service needs: a count of SQL statements (the N+1 tests
 * and metrics read it) and a warning for slow queries. TypeORM calls logQuery for every statement.
 */
export class QueryCounter implements Logger {
  /** Statements issued since start. */
  count = 0;
  private sink: PinoLogger | null = null;

  attach(log: PinoLogger): void {
    this.sink = log;
  }

  logQuery(): void {
    this.count++;
  }

  logQueryError(): void {}

  logQuerySlow(time: number, query: string, _parameters?: unknown[], _runner?: QueryRunner): void {
    this.sink?.warn({ durationMs: time, query: query.slice(0, 500) }, "slow query");
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.sink?.info({ migration: message }, "migration");
  }

  log(): void {}
}
