-- AlterTable
ALTER TABLE "proxies" ADD COLUMN     "token_generation" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "fleet_keys" (
    "name" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fleet_keys_pkey" PRIMARY KEY ("name")
);

-- Hand-written: the control plane's own keys are read only as fleet_system (Database.asSystem),
-- never by a tenant's transaction.
REVOKE ALL ON TABLE "fleet_keys" FROM fleet_app;
