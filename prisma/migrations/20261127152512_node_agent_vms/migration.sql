-- AlterTable
ALTER TABLE "proxies" ADD COLUMN     "lifecycle_detail" TEXT,
ADD COLUMN     "lifecycle_state" TEXT,
ADD COLUMN     "lifecycle_updated_at" TIMESTAMPTZ(3),
ADD COLUMN     "restart_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "vm_id" UUID;

-- CreateTable
CREATE TABLE "vms" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "hostname" TEXT,
    "capacity" JSONB NOT NULL DEFAULT '{}',
    "agent_version" TEXT,
    "agent_token_generation" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "last_heartbeat_at" TIMESTAMPTZ(3),
    "rollout_pending" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vms_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "vms_tenant_id_idx" ON "vms"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "vms_tenant_id_name_key" ON "vms"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "proxies_vm_id_idx" ON "proxies"("vm_id");

-- AddForeignKey
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_vm_id_fkey" FOREIGN KEY ("vm_id") REFERENCES "vms"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vms" ADD CONSTRAINT "vms_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: row-level security, as in the row_level_security migration (grants come from its
-- default privileges).
ALTER TABLE "vms" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "vms" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "vms"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
