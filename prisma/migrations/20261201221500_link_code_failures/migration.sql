-- /关联 codes are six digits: every wrong code sent is kept for an hour, so a sender (and all
-- senders together) can try only a few before the command refuses to look codes up.
CREATE TABLE "LinkCodeFailure" (
    "id" SERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "LinkCodeFailure_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "LinkCodeFailure_platform_userId_at_idx" ON "LinkCodeFailure"("platform", "userId", "at");
CREATE INDEX "LinkCodeFailure_at_idx" ON "LinkCodeFailure"("at");
