-- A rep's 👍/👎 on alerts, and the rules a rep paused by two 👎 within 30 days.

-- CreateTable
CREATE TABLE "alert_feedback" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,
    "alert_key" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "useful" BOOLEAN NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_feedback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rule_pause" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,
    "rule" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "undone_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_rule_pause_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_feedback_member_id_rule_at_idx" ON "alert_feedback"("member_id", "rule", "at");

-- CreateIndex
CREATE INDEX "alert_feedback_workspace_id_at_idx" ON "alert_feedback"("workspace_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "alert_feedback_member_id_alert_key_key" ON "alert_feedback"("member_id", "alert_key");

-- CreateIndex
CREATE INDEX "alert_rule_pause_workspace_id_idx" ON "alert_rule_pause"("workspace_id");

-- CreateIndex
CREATE UNIQUE INDEX "alert_rule_pause_member_id_rule_key" ON "alert_rule_pause"("member_id", "rule");
