-- Pictures sent in a chat become a record's evidence (issue 25, deliverables 3 and 4).
-- The account's standing statement that photos it sends have the guardians' consent (asked
-- once, with a button, before its first chat photo is kept).
ALTER TABLE "PlatformIdentity" ADD COLUMN "photoConsentAt" TIMESTAMPTZ(3);

-- A chat picture's own key (`<platform>:<chat>:<message id>#<n>`): a redelivered message attaches it once.
ALTER TABLE "ActivityPhoto" ADD COLUMN "sourcePicture" TEXT;
CREATE UNIQUE INDEX "ActivityPhoto_sourcePicture_key" ON "ActivityPhoto"("sourcePicture");

-- Pictures waiting for their sender to say which record they belong to, or to confirm consent;
-- the file is in the shared store already (photos/<community>/<fileName>), served only once attached.
CREATE TABLE "HeldPicture" (
    "id" SERIAL NOT NULL,
    "communityId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "pictureKey" TEXT NOT NULL,
    "activityNumber" INTEGER,
    "fileName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "HeldPicture_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "HeldPicture_pictureKey_key" ON "HeldPicture"("pictureKey");
CREATE INDEX "HeldPicture_platform_chatId_userId_idx" ON "HeldPicture"("platform", "chatId", "userId");
ALTER TABLE "HeldPicture" ADD CONSTRAINT "HeldPicture_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;
