-- DropIndex
DROP INDEX "proxies_node_id_key";

-- DropIndex
DROP INDEX "proxies_tenant_id_idx";

-- CreateIndex
CREATE UNIQUE INDEX "proxies_tenant_id_node_id_key" ON "proxies"("tenant_id", "node_id");
