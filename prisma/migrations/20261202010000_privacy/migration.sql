-- Personal data (PIPL): deletion on request keeps the member row, anonymised, so counts stay;
-- a processed message knows its sender so it goes with them; photos carry the guardian-consent
-- answer; each community may set its contact and retention; retention runs once a day.
ALTER TABLE "Member" ADD COLUMN "erasedAt" TIMESTAMPTZ(3);
-- Null: not told yet (every account that existed before this migration is told with its next reply).
ALTER TABLE "PlatformIdentity" ADD COLUMN "noticedAt" TIMESTAMPTZ(3);

ALTER TABLE "ProcessedMessage" ADD COLUMN "memberId" INTEGER;
ALTER TABLE "ProcessedMessage" ADD CONSTRAINT "ProcessedMessage_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "ProcessedMessage_memberId_idx" ON "ProcessedMessage"("memberId");
CREATE INDEX "ProcessedMessage_createdAt_idx" ON "ProcessedMessage"("createdAt");

-- Existing photos were uploaded before the question was asked: consent unknown (null).
ALTER TABLE "ActivityPhoto" ADD COLUMN "consentAt" TIMESTAMPTZ(3);

CREATE TABLE "CommunityPrivacy" (
    "communityId" INTEGER NOT NULL,
    "contact" TEXT,
    "messageDays" INTEGER,
    "photoTerms" INTEGER,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CommunityPrivacy_pkey" PRIMARY KEY ("communityId")
);
ALTER TABLE "CommunityPrivacy" ADD CONSTRAINT "CommunityPrivacy_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "RetentionRun" (
    "day" DATE NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "counts" JSONB NOT NULL,
    CONSTRAINT "RetentionRun_pkey" PRIMARY KEY ("day")
);
