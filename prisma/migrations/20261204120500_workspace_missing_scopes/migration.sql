-- AlterTable
ALTER TABLE "workspace" ADD COLUMN     "slack_missing_scopes" TEXT[] DEFAULT ARRAY[]::TEXT[];
