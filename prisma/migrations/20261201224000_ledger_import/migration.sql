-- Uploaded ledgers (台账) to import: kept between the preview and the confirmation, and the
-- records each made, so that one import can be undone as a batch.
CREATE TABLE "LedgerImport" (
    "id" SERIAL NOT NULL,
    "communityId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "fileName" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "activityIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "confirmedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LedgerImport_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "LedgerImport_communityId_createdAt_idx" ON "LedgerImport"("communityId", "createdAt");

ALTER TABLE "LedgerImport" ADD CONSTRAINT "LedgerImport_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;
