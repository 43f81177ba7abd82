import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";
import { bigint, bool, id, int, ref, varchar } from "./columns";

/**
 * Webhooks (issue 15): a tenant's endpoints (the signing secret is stored as issued, not
 * encrypted: it must be read to sign), and one delivery per event × matching enabled endpoint,
 * written in the event's transaction. Dispatchers claim due deliveries by (status, next_attempt_at)
 * and hold them with a lease (lease_until, lease_token) while the attempt is in flight.
 */
export class Webhooks1765100000000 implements MigrationInterface {
  name = "Webhooks1765100000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "webhook_endpoints",
        columns: [
          id(),
          ref("tenant_id"),
          varchar("url", 2048),
          varchar("description", 500),
          { name: "event_types", type: "text", isNullable: false },
          bool("enabled", true),
          varchar("secret", 128),
          bigint("created_at"),
          bigint("updated_at"),
        ],
        indices: [new TableIndex({ name: "ix_webhook_endpoints_tenant", columnNames: ["tenant_id", "created_at", "id"] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "webhook_deliveries",
        columns: [
          id(),
          ref("tenant_id"),
          ref("endpoint_id"),
          ref("event_id"),
          varchar("event_type", 64),
          varchar("status", 16),
          int("attempts", 0),
          bigint("next_attempt_at"),
          bigint("retrying_since"),
          bigint("lease_until", true),
          ref("lease_token", true),
          { name: "last_response_status", type: "int", isNullable: true },
          varchar("last_error", 500, true),
          bigint("last_attempt_at", true),
          bigint("created_at"),
        ],
        indices: [
          new TableIndex({ name: "ix_webhook_deliveries_due", columnNames: ["status", "next_attempt_at"] }),
          new TableIndex({ name: "ix_webhook_deliveries_endpoint", columnNames: ["endpoint_id", "created_at", "id"] }),
          new TableIndex({ name: "ux_webhook_deliveries_event_endpoint", columnNames: ["event_id", "endpoint_id"], isUnique: true }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("webhook_deliveries");
    await queryRunner.dropTable("webhook_endpoints");
  }
}
