-- CreateTable
CREATE TABLE "crm_source" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "settings_hash" TEXT NOT NULL,
    "every_minutes" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_success_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "failing_since" TIMESTAMPTZ(3),
    "last_run" JSONB,
    "claimed_by" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "crm_source_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "crm_checkpoint" (
    "source_id" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "position" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "crm_checkpoint_pkey" PRIMARY KEY ("source_id","stream")
);

-- CreateIndex
CREATE UNIQUE INDEX "crm_source_workspace_id_name_key" ON "crm_source"("workspace_id", "name");

-- AddForeignKey
ALTER TABLE "crm_source" ADD CONSTRAINT "crm_source_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "crm_checkpoint" ADD CONSTRAINT "crm_checkpoint_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "crm_source"("id") ON DELETE CASCADE ON UPDATE CASCADE;
