-- AlterTable
ALTER TABLE "target" ADD COLUMN     "ramped" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "workspace" ADD COLUMN     "stale_after_hours" DOUBLE PRECISION NOT NULL DEFAULT 36;
