import { type MigrationInterface, type QueryRunner, TableColumn } from "typeorm";
import { bigint } from "./columns";

/**
 * Per-user token revocation: a user's tokens issued before `tokens_valid_from` (epoch ms) are
 * refused (`revokeUserTokens`); null means none was ever revoked. Ending every token of a tenant
 * rotates `tenants.jwt_secret`, which needs no new column.
 */
export class TokenRevocation1764633600000 implements MigrationInterface {
  name = "TokenRevocation1764633600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("users", new TableColumn(bigint("tokens_valid_from", true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("users", "tokens_valid_from");
  }
}
