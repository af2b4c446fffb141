-- AlterTable
ALTER TABLE "outbox_events" ADD COLUMN     "headers" JSONB NOT NULL DEFAULT '{}';
