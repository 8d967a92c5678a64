-- CreateTable
CREATE TABLE "team_links" (
    "team_id" INTEGER NOT NULL,
    "week_start" TIMESTAMPTZ(3) NOT NULL,
    "data_version" BIGINT NOT NULL,
    "cohort" JSONB NOT NULL,
    "links" JSONB NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "team_links_pkey" PRIMARY KEY ("team_id","week_start")
);

-- AddForeignKey
ALTER TABLE "team_links" ADD CONSTRAINT "team_links_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
