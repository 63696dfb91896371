-- A member an admin named before its person spoke (no platform account) is a placeholder: its
-- roles grant nothing until the person claims it with a one-time code sent to the bot 1:1.
CREATE TABLE "MemberClaim" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "communityId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MemberClaim_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "MemberClaim_code_key" ON "MemberClaim"("code");
CREATE UNIQUE INDEX "MemberClaim_memberId_key" ON "MemberClaim"("memberId");
ALTER TABLE "MemberClaim" ADD CONSTRAINT "MemberClaim_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "MemberClaim" ADD CONSTRAINT "MemberClaim_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Roles that earlier versions handed over by display name: a member an admin named before its
-- person spoke was linked to whichever account first spoke with that name. Such a member's
-- first account arrived after the member row (a sender's own member is created together with its
-- account), and neither /关联 nor /认领 vouched for it. Their roles beyond 教师 are suspended
-- (kept in "unconfirmedRoles") until an admin confirms them for the account; the admin is told
-- once. A community's last admin keeps the admin role, so no community is locked out.
ALTER TABLE "Member" ADD COLUMN "unconfirmedRoles" "MemberRole"[] NOT NULL DEFAULT ARRAY[]::"MemberRole"[];
ALTER TABLE "Community" ADD COLUMN "identityNoticePending" BOOLEAN NOT NULL DEFAULT false;

CREATE TEMP TABLE name_linked ON COMMIT DROP AS
SELECT m.id, m."communityId"
FROM "Member" m
WHERE m.roles && ARRAY['admin', 'principal', 'coordinator']::"MemberRole"[]
  AND (SELECT min(i."createdAt") FROM "PlatformIdentity" i WHERE i."memberId" = m.id) > m."createdAt" + interval '2 seconds'
  AND NOT EXISTS (SELECT 1 FROM "AuditLog" a WHERE a.entity = 'member' AND a."entityId" = m.id AND a.action IN ('link', 'claim'));

UPDATE "Member" m
SET "unconfirmedRoles" = ARRAY(SELECT r FROM unnest(m.roles) r WHERE r <> 'teacher' AND NOT (r = 'admin' AND keep.admin)),
    roles = ARRAY['teacher']::"MemberRole"[] || CASE WHEN keep.admin AND 'admin' = ANY (m.roles) THEN ARRAY['admin']::"MemberRole"[] ELSE ARRAY[]::"MemberRole"[] END
FROM name_linked n
CROSS JOIN LATERAL (
  SELECT NOT EXISTS (
    SELECT 1 FROM "Member" o
    WHERE o."communityId" = n."communityId" AND 'admin' = ANY (o.roles) AND o.id NOT IN (SELECT id FROM name_linked)
  ) AS admin
) keep
WHERE m.id = n.id;

UPDATE "Community" c
SET "identityNoticePending" = true
WHERE EXISTS (SELECT 1 FROM "Member" m WHERE m."communityId" = c.id AND cardinality(m."unconfirmedRoles") > 0);
