-- AlterTable
ALTER TABLE "activity_event" ADD COLUMN     "account_name" TEXT,
ADD COLUMN     "deal_name" TEXT,
ADD COLUMN     "lead_name" TEXT,
ADD COLUMN     "url" TEXT;
