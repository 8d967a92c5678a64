-- Per identity and week, how many times the rollups a report reads changed: kept links stay valid while their sum does (src/reports/links.ts).
-- CreateTable
CREATE TABLE "rollup_revision" (
    "identity_id" INTEGER NOT NULL,
    "week_start" TIMESTAMPTZ(3) NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,

    CONSTRAINT "rollup_revision_pkey" PRIMARY KEY ("identity_id","week_start")
);

-- CreateIndex
CREATE INDEX "rollup_revision_workspace_id_idx" ON "rollup_revision"("workspace_id");

