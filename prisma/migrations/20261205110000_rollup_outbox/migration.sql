-- Event writes leave their rollup changes here; folders apply them (src/db/rollups-write.ts).
-- CreateTable
CREATE TABLE "rollup_outbox" (
    "id" BIGSERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "added" JSONB NOT NULL,
    "removed" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollup_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "rollup_outbox_workspace_id_id_idx" ON "rollup_outbox"("workspace_id", "id");

