-- Pacer initial schema. External ids use the "C" collation: byte order compares and indexes
-- several times faster than a linguistic collation, and ids have no linguistic order.

-- CreateEnum
CREATE TYPE "MemberRole" AS ENUM ('rep', 'manager');

-- CreateEnum
CREATE TYPE "IdentityKind" AS ENUM ('email', 'slack', 'crm');

-- CreateEnum
CREATE TYPE "LeadSource" AS ENUM ('inbound', 'outbound');

-- CreateEnum
CREATE TYPE "ApiKeyScope" AS ENUM ('ingest', 'read');

-- CreateEnum
CREATE TYPE "TargetPeriodKind" AS ENUM ('quarter', 'month', 'custom');

-- CreateTable
CREATE TABLE "workspace" (
    "id" SERIAL NOT NULL,
    "slack_team_id" TEXT NOT NULL,
    "name" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "touch_types" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workspace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "team" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "channel" TEXT,
    "pipeline_stages" TEXT[],
    "focus" TEXT[],
    "touch_types" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "performance_metric" TEXT NOT NULL DEFAULT 'booked_revenue',
    "week_starts_on" INTEGER NOT NULL DEFAULT 1,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "member" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slack_user_id" TEXT,
    "crm_owner_id" TEXT,
    "start_date" DATE,
    "timezone" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "nudge_opt_out" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "team_membership" (
    "id" SERIAL NOT NULL,
    "team_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,
    "role" "MemberRole" NOT NULL DEFAULT 'rep',
    "manager_id" INTEGER,

    CONSTRAINT "team_membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "kind" "IdentityKind" NOT NULL,
    "value" TEXT COLLATE "C" NOT NULL,
    "member_id" INTEGER,

    CONSTRAINT "identity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_event" (
    "id" BIGSERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "external_id" TEXT COLLATE "C" NOT NULL,
    "type" TEXT COLLATE "C" NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "identity_id" INTEGER NOT NULL,
    "lead_id" TEXT COLLATE "C",
    "deal_id" TEXT COLLATE "C",
    "amount" DECIMAL(19,4),
    "stage" TEXT,
    "lead_source" "LeadSource",
    "metadata" JSONB,
    "version" INTEGER,
    "content_hash" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "activity_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "scope" "ApiKeyScope" NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "target" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "team_id" INTEGER NOT NULL,
    "member_id" INTEGER,
    "metric" TEXT NOT NULL,
    "period_kind" "TargetPeriodKind" NOT NULL,
    "period_start" DATE,
    "period_end" DATE,
    "value" DECIMAL(19,4) NOT NULL,

    CONSTRAINT "target_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "workspace_slack_team_id_key" ON "workspace"("slack_team_id");

-- CreateIndex
CREATE UNIQUE INDEX "team_workspace_id_name_key" ON "team"("workspace_id", "name");

-- CreateIndex
CREATE INDEX "member_workspace_id_slack_user_id_idx" ON "member"("workspace_id", "slack_user_id");

-- CreateIndex
CREATE INDEX "member_workspace_id_crm_owner_id_idx" ON "member"("workspace_id", "crm_owner_id");

-- CreateIndex
CREATE UNIQUE INDEX "member_workspace_id_email_key" ON "member"("workspace_id", "email");

-- CreateIndex
CREATE INDEX "team_membership_member_id_idx" ON "team_membership"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "team_membership_team_id_member_id_key" ON "team_membership"("team_id", "member_id");

-- CreateIndex
CREATE INDEX "identity_member_id_idx" ON "identity"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "identity_workspace_id_kind_value_key" ON "identity"("workspace_id", "kind", "value");

-- CreateIndex
CREATE INDEX "activity_event_identity_id_occurred_at_idx" ON "activity_event"("identity_id", "occurred_at");

-- CreateIndex
CREATE INDEX "activity_event_workspace_id_deal_id_occurred_at_idx" ON "activity_event"("workspace_id", "deal_id", "occurred_at");

-- CreateIndex
CREATE INDEX "activity_event_workspace_id_lead_id_occurred_at_idx" ON "activity_event"("workspace_id", "lead_id", "occurred_at");

-- CreateIndex
CREATE INDEX "activity_event_workspace_id_type_occurred_at_idx" ON "activity_event"("workspace_id", "type", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "activity_event_workspace_id_external_id_key" ON "activity_event"("workspace_id", "external_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_hash_key" ON "api_key"("hash");

-- CreateIndex
CREATE INDEX "api_key_workspace_id_idx" ON "api_key"("workspace_id");

-- CreateIndex
CREATE INDEX "target_team_id_idx" ON "target"("team_id");

-- CreateIndex
CREATE INDEX "target_member_id_idx" ON "target"("member_id");

-- AddForeignKey
ALTER TABLE "team" ADD CONSTRAINT "team_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member" ADD CONSTRAINT "member_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team_membership" ADD CONSTRAINT "team_membership_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team_membership" ADD CONSTRAINT "team_membership_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team_membership" ADD CONSTRAINT "team_membership_manager_id_fkey" FOREIGN KEY ("manager_id") REFERENCES "member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity" ADD CONSTRAINT "identity_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity" ADD CONSTRAINT "identity_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_event" ADD CONSTRAINT "activity_event_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_event" ADD CONSTRAINT "activity_event_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "target" ADD CONSTRAINT "target_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "target" ADD CONSTRAINT "target_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "target" ADD CONSTRAINT "target_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
