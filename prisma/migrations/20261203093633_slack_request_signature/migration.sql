-- CreateTable
CREATE TABLE "slack_request_signature" (
    "signature_hash" TEXT COLLATE "C" NOT NULL,
    "signed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "slack_request_signature_pkey" PRIMARY KEY ("signature_hash")
);

-- CreateIndex
CREATE INDEX "slack_request_signature_signed_at_idx" ON "slack_request_signature"("signed_at");
