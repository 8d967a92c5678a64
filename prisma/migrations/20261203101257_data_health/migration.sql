-- AlterTable
ALTER TABLE "team" ADD COLUMN     "stale_since" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "activity_event_workspace_id_received_at_idx" ON "activity_event"("workspace_id", "received_at");

-- CreateIndex
CREATE INDEX "activity_event_identity_id_received_at_idx" ON "activity_event"("identity_id", "received_at");
