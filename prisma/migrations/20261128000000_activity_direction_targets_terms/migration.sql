-- Who gave an activity and who received it (issue 9), and targets with the scopes the seeds use.

-- AlterTable
ALTER TABLE "Activity" ADD COLUMN     "givingSchoolId" INTEGER,
ADD COLUMN     "receiverSchoolIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[];

-- Backfill, the best reading of the fields we had: the giver is the school of the first person
-- named in 主讲/执教 who is a member with a school, else the recorder's school; the receivers are
-- the host and participating schools other than the giver (none: an activity inside one school).
UPDATE "Activity" a SET "givingSchoolId" = COALESCE(
  (SELECT m."schoolId" FROM "Member" m
    WHERE m."communityId" = a."communityId" AND m."schoolId" IS NOT NULL AND m."displayName" = ANY (a.people)
    ORDER BY array_position(a.people, m."displayName"), m.id LIMIT 1),
  (SELECT r."schoolId" FROM "Member" r WHERE r.id = a."recorderId"),
  a."hostSchoolId");

UPDATE "Activity" a SET "receiverSchoolIds" = ARRAY(
  SELECT u.s FROM unnest(array_prepend(a."hostSchoolId", a."schoolIds")) WITH ORDINALITY AS u(s, o)
  WHERE u.s IS NOT NULL AND u.s IS DISTINCT FROM a."givingSchoolId"
  GROUP BY u.s ORDER BY min(u.o));

ALTER TABLE "Activity" ALTER COLUMN "receiverSchoolIds" SET NOT NULL;

-- AddForeignKey
ALTER TABLE "Activity" ADD CONSTRAINT "Activity_givingSchoolId_fkey" FOREIGN KEY ("givingSchoolId") REFERENCES "School"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AlterEnum (not used in this migration: PostgreSQL allows adding it inside the transaction)
ALTER TYPE "TargetScope" ADD VALUE 'mentor';

-- AlterTable: a school scope names a role (or a school); a pair scope a giver role, a receiver
-- role, whether direction matters and whether it must happen at the receiver; a mentor scope a side.
ALTER TABLE "Target" ADD COLUMN     "role" "SchoolRole",
ADD COLUMN     "receiverRole" "SchoolRole",
ADD COLUMN     "directed" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "atReceiver" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "side" TEXT,
ADD COLUMN     "per" TEXT NOT NULL DEFAULT 'term',
ADD COLUMN     "label" TEXT;
