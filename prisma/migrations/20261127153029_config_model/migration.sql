-- AlterTable
ALTER TABLE "clusters" ADD COLUMN     "settings" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "listeners" ADD COLUMN     "filter_chains" JSONB,
ALTER COLUMN "route_config_name" DROP NOT NULL;
