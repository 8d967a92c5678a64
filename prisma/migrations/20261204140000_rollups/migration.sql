-- Rollups (issue 14): reports read these instead of a team's raw events. They start empty: a
-- report finds its reps' identities without a rollup zone and builds theirs first (src/db/rollups-write.ts).
-- AlterTable
ALTER TABLE "identity" ADD COLUMN     "rollup_zone" TEXT;

-- CreateTable
CREATE TABLE "rollup_week" (
    "identity_id" INTEGER NOT NULL,
    "week_start" TIMESTAMPTZ(3) NOT NULL,
    "type" TEXT NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "n" INTEGER NOT NULL,
    "amount" DECIMAL(30,4) NOT NULL DEFAULT 0,

    CONSTRAINT "rollup_week_pkey" PRIMARY KEY ("identity_id","week_start","type")
);

-- CreateTable
CREATE TABLE "rollup_lead" (
    "identity_id" INTEGER NOT NULL,
    "lead_id" TEXT NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    "events" JSONB NOT NULL,

    CONSTRAINT "rollup_lead_pkey" PRIMARY KEY ("identity_id","lead_id")
);

-- CreateTable
CREATE TABLE "rollup_deal" (
    "identity_id" INTEGER NOT NULL,
    "deal_id" TEXT NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    "events" JSONB NOT NULL,
    "touches" JSONB NOT NULL,

    CONSTRAINT "rollup_deal_pkey" PRIMARY KEY ("identity_id","deal_id")
);

-- CreateIndex
CREATE INDEX "rollup_week_workspace_id_idx" ON "rollup_week"("workspace_id");

-- CreateIndex
CREATE INDEX "rollup_lead_identity_id_last_at_idx" ON "rollup_lead"("identity_id", "last_at");

-- CreateIndex
CREATE INDEX "rollup_lead_workspace_id_lead_id_idx" ON "rollup_lead"("workspace_id", "lead_id");

-- CreateIndex
CREATE INDEX "rollup_deal_identity_id_last_at_idx" ON "rollup_deal"("identity_id", "last_at");

-- CreateIndex
CREATE INDEX "rollup_deal_workspace_id_deal_id_idx" ON "rollup_deal"("workspace_id", "deal_id");

