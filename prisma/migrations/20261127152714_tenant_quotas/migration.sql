-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "quotas" JSONB NOT NULL DEFAULT '{}';
