-- AlterTable: a CRM record's modification time in epoch milliseconds is the events' version (up to 2^53 − 1).
ALTER TABLE "activity_event" ALTER COLUMN "version" SET DATA TYPE BIGINT;
