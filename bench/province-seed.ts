/**
 * A province for the benches (bench/digest.ts, bench/province.ts), with bulk SQL in seconds:
 * `communities` communities of four schools (one core), an admin, a principal and a teacher per
 * school, a simulator group each, principals' simulator accounts, two mentor pairs each and
 * PER_COMMUNITY activities over the term (Sep 1 – Dec 12). Replaces everything in the database.
 */
import type { Sql } from "../db/client.ts";

const PER_COMMUNITY = 100;

export async function seedProvince(sql: Sql, run: string, communities: number): Promise<void> {
  await sql.query(`TRUNCATE "Community" CASCADE`);
  await sql.query(`INSERT INTO "Community" (name) SELECT $1 || '-共同体' || g FROM generate_series(1, $2) g`, [run, communities]);
  await sql.query(`INSERT INTO "School" ("communityId", "fullName", role, "shortNames")
    SELECT c.id, s.name, (CASE WHEN s.n = 1 THEN 'core' ELSE 'member' END)::"SchoolRole", ARRAY[s.short]
    FROM "Community" c, (VALUES (1, '县实验小学', '县实小'), (2, '杨庄乡中心小学', '杨庄'), (3, '青龙沟小学', '青龙沟'), (4, '双庙小学', '双庙')) AS s(n, name, short)`);
  await sql.query(`INSERT INTO "ChatGroup" ("communityId", platform, "chatId") SELECT id, 'sim', 'g' || id FROM "Community"`);
  await sql.query(`INSERT INTO "Member" ("communityId", "displayName", roles) SELECT id, '王主任', ARRAY['admin']::"MemberRole"[] FROM "Community"`);
  await sql.query(
    `INSERT INTO "Member" ("communityId", "displayName", "schoolId", roles) SELECT s."communityId", s."shortNames"[1] || '校长', s.id, ARRAY['principal']::"MemberRole"[] FROM "School" s`,
  );
  await sql.query(`INSERT INTO "Member" ("communityId", "displayName", "schoolId", roles) SELECT s."communityId", s."shortNames"[1] || '老师', s.id, ARRAY['teacher']::"MemberRole"[] FROM "School" s`);
  await sql.query(`INSERT INTO "PlatformIdentity" ("memberId", "communityId", platform, "userId") SELECT id, "communityId", 'sim', 'u' || id FROM "Member" WHERE 'principal' = ANY(roles)`);
  await sql.query(`INSERT INTO "MentorPair" ("communityId", "mentorId", "menteeId", subject, "createdAt")
    SELECT m."communityId", m.id, e.id, '语文', '2026-09-01' FROM "Member" m JOIN "School" ms ON ms.id = m."schoolId" AND ms.role = 'core'
    JOIN "Member" e ON e."communityId" = m."communityId" AND e."displayName" IN ('杨庄老师', '青龙沟老师') WHERE m."displayName" = '县实小老师'`);
  // 100 activities a community over the term (Sep 1 – Dec 12): the core school gives to a member school.
  await sql.query(
    `INSERT INTO "Activity" ("communityId", number, kind, date, "hostSchoolId", "givingSchoolId", "receiverSchoolIds", "schoolIds", people, subject, title, "recorderId", "sourceMessageKey", "updatedAt")
    SELECT c.id, g, (ARRAY['示范课','听评课','集体备课','专题讲座','教研活动'])[1 + g % 5], DATE '2026-09-01' + (g * 37 % 103),
      s.core + 1 + g % 3, s.core, ARRAY[s.core + 1 + g % 3], ARRAY[]::int[], ARRAY['县实小老师'], '语文', CASE WHEN g % 4 = 0 THEN '课题' || g END,
      s.admin, 'bench:' || c.id || ':' || g, now()
    FROM "Community" c
    JOIN LATERAL (SELECT min(id) AS core, (SELECT min(id) FROM "Member" WHERE "communityId" = c.id) AS admin FROM "School" WHERE "communityId" = c.id) s ON true,
    generate_series(1, $1) g`,
    [PER_COMMUNITY],
  );
  // Numbering goes on from the seeded activities, as it would had they been recorded one by one.
  await sql.query(`UPDATE "Community" SET "activitySeq" = $1`, [PER_COMMUNITY]);
  await sql.query(`ANALYZE`);
}
