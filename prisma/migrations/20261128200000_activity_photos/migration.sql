-- CreateTable
CREATE TABLE "ActivityPhoto" (
    "id" SERIAL NOT NULL,
    "communityId" INTEGER NOT NULL,
    "sourceMessageKey" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "fileName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActivityPhoto_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ActivityPhoto_sourceMessageKey_position_key" ON "ActivityPhoto"("sourceMessageKey", "position");

-- CreateIndex
CREATE INDEX "ActivityPhoto_communityId_idx" ON "ActivityPhoto"("communityId");

-- AddForeignKey
ALTER TABLE "ActivityPhoto" ADD CONSTRAINT "ActivityPhoto_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;
