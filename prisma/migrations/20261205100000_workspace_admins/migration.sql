-- AlterTable
ALTER TABLE "workspace" ADD COLUMN     "admins" TEXT[] DEFAULT ARRAY[]::TEXT[];
