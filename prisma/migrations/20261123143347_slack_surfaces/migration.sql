-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('open', 'snoozed', 'dismissed', 'done');

-- AlterTable
ALTER TABLE "member" DROP COLUMN "nudge_opt_out";

-- AlterTable
ALTER TABLE "workspace" ADD COLUMN     "slack_disconnected_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "slack_installation" (
    "id" SERIAL NOT NULL,
    "enterprise_id" TEXT NOT NULL DEFAULT '',
    "slack_team_id" TEXT NOT NULL DEFAULT '',
    "bot_user_id" TEXT,
    "installation" JSONB NOT NULL,
    "installed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "slack_installation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "slack_user" (
    "workspace_id" INTEGER NOT NULL,
    "slack_user_id" TEXT NOT NULL,
    "member_id" INTEGER,
    "email" TEXT,
    "timezone" TEXT,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "slack_user_pkey" PRIMARY KEY ("workspace_id","slack_user_id")
);

-- CreateTable
CREATE TABLE "member_preference" (
    "member_id" INTEGER NOT NULL,
    "nudges_enabled" BOOLEAN,
    "digest_enabled" BOOLEAN,
    "send_time" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "member_preference_pkey" PRIMARY KEY ("member_id")
);

-- CreateTable
CREATE TABLE "alert_state" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,
    "alert_key" TEXT NOT NULL,
    "status" "AlertStatus" NOT NULL DEFAULT 'open',
    "snoozed_until" TIMESTAMPTZ(3),
    "snooze_count" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_state_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "feedback" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "slack_user_id" TEXT NOT NULL,
    "member_id" INTEGER,
    "subject" TEXT NOT NULL,
    "useful" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "feedback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "slack_event_receipt" (
    "event_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "slack_event_receipt_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "slack_installation_enterprise_id_slack_team_id_key" ON "slack_installation"("enterprise_id", "slack_team_id");

-- CreateIndex
CREATE INDEX "slack_user_member_id_idx" ON "slack_user"("member_id");

-- CreateIndex
CREATE INDEX "alert_state_workspace_id_idx" ON "alert_state"("workspace_id");

-- CreateIndex
CREATE UNIQUE INDEX "alert_state_member_id_alert_key_key" ON "alert_state"("member_id", "alert_key");

-- CreateIndex
CREATE UNIQUE INDEX "feedback_workspace_id_slack_user_id_subject_key" ON "feedback"("workspace_id", "slack_user_id", "subject");

-- CreateIndex
CREATE INDEX "slack_event_receipt_received_at_idx" ON "slack_event_receipt"("received_at");

-- AddForeignKey
ALTER TABLE "member_preference" ADD CONSTRAINT "member_preference_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
