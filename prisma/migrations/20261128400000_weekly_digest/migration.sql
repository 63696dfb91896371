-- Weekly progress digest (issue 11): when it goes out, whether groups get it, who opted in or out.

-- AlterTable
ALTER TABLE "Community" ADD COLUMN "digestWeekday" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN "digestTime" TEXT NOT NULL DEFAULT '08:00',
ADD COLUMN "digestGroups" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Member" ADD COLUMN "digest" BOOLEAN;
