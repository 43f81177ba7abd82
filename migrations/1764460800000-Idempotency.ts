import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";
import { bigint, varchar } from "./columns";

/** Stored responses of requests made with an Idempotency-Key (kept 24 hours). */
export class Idempotency1764460800000 implements MigrationInterface {
  name = "Idempotency1764460800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === "mysql";
    await queryRunner.createTable(
      new Table({
        name: "idempotency_keys",
        columns: [
          { ...varchar("scope", 120), isPrimary: true },
          { ...varchar("idem_key", 255), isPrimary: true },
          varchar("request_hash", 64),
          varchar("state", 16),
          { name: "http_status", type: "int", isNullable: true },
          // Responses can be large (QR codes, evidence bundles): MEDIUMTEXT on MySQL.
          { name: "body", type: mysql ? "mediumtext" : "text", isNullable: true },
          bigint("created_at"),
          bigint("expires_at"),
        ],
        indices: [new TableIndex({ name: "ix_idempotency_expires", columnNames: ["expires_at"] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("idempotency_keys");
  }
}
