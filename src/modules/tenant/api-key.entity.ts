import { Column, Entity, Index } from "typeorm";
import { InstantColumn, RefColumn, RowIdColumn } from "../../db/columns";

/** A tenant API key: the public prefix finds the row, the secret is only stored as a SHA-256 hash. */
@Entity("tenant_api_keys")
export class TenantApiKey {
  @RowIdColumn()
  rowId: string;

  @RefColumn("tenant_id")
  tenantId: string;

  @Index("uq_tenant_api_keys_prefix", { unique: true })
  @Column({ type: "varchar", length: 32 })
  prefix: string;

  @Column({ type: "varchar", length: 64 })
  secretHash: string;

  @InstantColumn()
  createdAt: number;

  @InstantColumn({ nullable: true })
  revokedAt: number | null;
}
