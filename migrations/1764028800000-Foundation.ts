import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";
import { bigint, id, ref, varchar } from "./columns";

/** Tenants, their API keys, users and contacts. */
export class Foundation1764028800000 implements MigrationInterface {
  name = "Foundation1764028800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "tenants",
        columns: [
          id(),
          varchar("name", 100),
          varchar("plan", 32),
          { name: "policy_overrides", type: "text", isNullable: true },
          varchar("financial_license", 200, true),
          varchar("data_usage_rules_url", 500, true),
          varchar("jwt_secret", 64),
          { name: "version", type: "int" },
          bigint("created_at"),
          bigint("updated_at"),
        ],
        indices: [new TableIndex({ name: "ix_tenants_created", columnNames: ["created_at", "id"] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "tenant_api_keys",
        columns: [id(), ref("tenant_id"), varchar("prefix", 32), varchar("secret_hash", 64), bigint("created_at"), bigint("revoked_at", true)],
        indices: [
          new TableIndex({ name: "uq_tenant_api_keys_prefix", columnNames: ["prefix"], isUnique: true }),
          new TableIndex({ name: "ix_tenant_api_keys_tenant", columnNames: ["tenant_id"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "users",
        columns: [id(), ref("tenant_id"), varchar("external_id", 128), varchar("display_name", 64), bigint("created_at"), bigint("updated_at")],
        indices: [
          new TableIndex({ name: "uq_users_external", columnNames: ["tenant_id", "external_id"], isUnique: true }),
          new TableIndex({ name: "ix_users_tenant_created", columnNames: ["tenant_id", "created_at", "id"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "contacts",
        columns: [
          { ...ref("user_id"), isPrimary: true },
          { ...ref("contact_id"), isPrimary: true },
          ref("tenant_id"),
          bigint("created_at"),
        ],
        indices: [new TableIndex({ name: "ix_contacts_user_created", columnNames: ["user_id", "created_at", "contact_id"] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["contacts", "users", "tenant_api_keys", "tenants"]) await queryRunner.dropTable(table);
  }
}
