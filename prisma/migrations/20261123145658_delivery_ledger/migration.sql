-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'posting', 'sent', 'failed', 'unknown', 'skipped');

-- CreateTable
CREATE TABLE "delivery" (
    "id" BIGSERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "claimed_by" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "not_before" TIMESTAMPTZ(3),
    "channel" TEXT,
    "ts" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "delivery_key_key" ON "delivery"("key");

-- CreateIndex
CREATE INDEX "delivery_workspace_id_status_idx" ON "delivery"("workspace_id", "status");

-- CreateIndex
CREATE INDEX "delivery_status_lease_until_idx" ON "delivery"("status", "lease_until");
