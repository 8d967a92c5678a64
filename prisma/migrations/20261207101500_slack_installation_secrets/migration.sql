-- Slack installation tokens sealed under PACER_ENCRYPTION_KEY (AES-256-GCM); rows stay plain
-- until a process starts with the key, which seals them (src/db/installation-secrets.ts).
-- AlterTable
ALTER TABLE "slack_installation" ADD COLUMN     "key_id" TEXT,
ADD COLUMN     "secrets" TEXT;
