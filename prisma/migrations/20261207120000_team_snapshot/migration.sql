-- Per team and week, its leads, deals and week counts as of the week's start: what its reports of that week read (src/reports/snapshot.ts).
-- CreateTable
CREATE TABLE "team_snapshot" (
    "team_id" INTEGER NOT NULL,
    "week_start" TIMESTAMPTZ(3) NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "body" JSON NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "team_snapshot_pkey" PRIMARY KEY ("team_id","week_start")
);

-- AddForeignKey
ALTER TABLE "team_snapshot" ADD CONSTRAINT "team_snapshot_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
