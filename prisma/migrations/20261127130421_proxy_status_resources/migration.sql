-- AlterTable
ALTER TABLE "proxy_statuses" ADD COLUMN     "acked_resources" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "rejection" JSONB,
ADD COLUMN     "sent_resources" JSONB NOT NULL DEFAULT '{}';
