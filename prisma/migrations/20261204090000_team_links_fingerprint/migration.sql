-- Kept links are now checked per team against a fingerprint of what their cohort pairs read
-- (the team's config and events), instead of against the workspace's data version. Rows kept
-- without one are a cache: drop them, the next report computes them again.
DELETE FROM "team_links";

-- AlterTable
ALTER TABLE "team_links" ADD COLUMN     "fingerprint" TEXT NOT NULL,
ADD COLUMN     "links_basis" TEXT NOT NULL;
