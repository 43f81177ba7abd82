import { randomBytes, randomUUID } from "node:crypto";
import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Every group is born with a PERMANENT code now: groups created before that (and not dissolved)
 * without an unrevoked permanent code get one, so Group.codes is never empty for a live group.
 * Tokens as the service makes them: 192 random bits, base64url.
 */
export class BirthCodes1765400000003 implements MigrationInterface {
  name = "BirthCodes1765400000003";

  async up(queryRunner: QueryRunner): Promise<void> {
    const groups: Array<{ id: string; tenant_id: string; owner_id: string | null }> = await queryRunner.query(
      `SELECT g.id, g.tenant_id, g.owner_id FROM chat_groups g
       WHERE g.status <> 'DISSOLVED'
         AND NOT EXISTS (SELECT 1 FROM group_codes c WHERE c.group_id = g.id AND c.type = 'PERMANENT' AND c.revoked_at IS NULL)`,
    );
    const now = Date.now();
    for (const g of groups) {
      await queryRunner.query(
        `INSERT INTO group_codes (id, tenant_id, group_id, type, token, state, max_uses, uses, expires_at, revoked_at, created_by, created_at)
         VALUES (?, ?, ?, 'PERMANENT', ?, NULL, NULL, 0, NULL, NULL, ?, ?)`,
        [randomUUID(), g.tenant_id, g.id, randomBytes(24).toString("base64url"), g.owner_id, now],
      );
    }
  }

  async down(): Promise<void> {
    // The codes stay: people may already hold them.
  }
}
