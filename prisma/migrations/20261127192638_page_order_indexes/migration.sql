-- CreateIndex
CREATE INDEX "api_keys_tenant_id_name_id_idx" ON "api_keys"("tenant_id", "name", "id");

-- CreateIndex
CREATE INDEX "api_keys_tenant_id_created_at_id_idx" ON "api_keys"("tenant_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "secrets_tenant_id_created_at_id_idx" ON "secrets"("tenant_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "tenants_created_at_id_idx" ON "tenants"("created_at", "id");

-- CreateIndex
CREATE INDEX "vms_tenant_id_created_at_id_idx" ON "vms"("tenant_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "webhook_subscriptions_tenant_id_created_at_id_idx" ON "webhook_subscriptions"("tenant_id", "created_at", "id");
