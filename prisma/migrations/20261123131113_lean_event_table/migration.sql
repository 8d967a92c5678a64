-- DropForeignKey
ALTER TABLE "activity_event" DROP CONSTRAINT "activity_event_identity_id_fkey";

-- DropForeignKey
ALTER TABLE "activity_event" DROP CONSTRAINT "activity_event_workspace_id_fkey";

-- DropIndex
DROP INDEX "activity_event_workspace_id_type_occurred_at_idx";
