-- AlterTable
ALTER TABLE "workspace" ADD COLUMN     "data_version" BIGINT NOT NULL DEFAULT 0;
