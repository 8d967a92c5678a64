-- CreateTable
CREATE TABLE "team_paces" (
    "team_id" INTEGER NOT NULL,
    "week_end" TIMESTAMPTZ(3) NOT NULL,
    "as_of" TIMESTAMPTZ(3) NOT NULL,
    "paces" JSONB NOT NULL,

    CONSTRAINT "team_paces_pkey" PRIMARY KEY ("team_id","week_end")
);

-- AddForeignKey
ALTER TABLE "team_paces" ADD CONSTRAINT "team_paces_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
