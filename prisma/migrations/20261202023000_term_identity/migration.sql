-- Pairs and targets follow their term by identity, not by its name: renaming the term
-- (/学期 设置 … 2026秋季学期) used to drop every pair and target made under the old name.
CREATE TABLE "Term" (
    "id" SERIAL NOT NULL,
    "communityId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "start" DATE NOT NULL,
    "end" DATE NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Term_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Term_communityId_start_idx" ON "Term"("communityId", "start");
ALTER TABLE "Term" ADD CONSTRAINT "Term_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "MentorPair" ADD COLUMN "termId" INTEGER;
ALTER TABLE "Target" ADD COLUMN "termId" INTEGER;

-- The term each community has set.
INSERT INTO "Term" ("communityId", "name", "start", "end")
SELECT c.id, coalesce(c."termName", to_char(c."termStart", 'YYYY-MM-DD') || '至' || to_char(c."termEnd", 'YYYY-MM-DD')), c."termStart", c."termEnd"
FROM "Community" c WHERE c."termStart" IS NOT NULL AND c."termEnd" IS NOT NULL;

-- Every other name pairs and targets were filed under: the stretch of time it named. A calendar
-- term's name gives its dates ("2026年秋季学期": 9月1日 to 1月31日); any other name was an earlier
-- name of a term the community set, dated here by when its first row was made (the calendar
-- term of that day). A stretch that overlaps the community's set term is that term.
WITH named AS (
    SELECT "communityId", term AS name, min("createdAt") AS first FROM "MentorPair" WHERE term IS NOT NULL GROUP BY 1, 2
    UNION ALL
    SELECT "communityId", term, min("createdAt") FROM "Target" GROUP BY 1, 2
), spans AS (
    SELECT DISTINCT ON ("communityId", name) "communityId", name,
        CASE
            WHEN name ~ '^\d{4}年秋季学期$' THEN make_date(substr(name, 1, 4)::int, 9, 1)
            WHEN name ~ '^\d{4}年春季学期$' THEN make_date(substr(name, 1, 4)::int, 2, 1)
            WHEN extract(month FROM first AT TIME ZONE 'Asia/Shanghai') >= 9 THEN make_date(extract(year FROM first AT TIME ZONE 'Asia/Shanghai')::int, 9, 1)
            WHEN extract(month FROM first AT TIME ZONE 'Asia/Shanghai') = 1 THEN make_date(extract(year FROM first AT TIME ZONE 'Asia/Shanghai')::int - 1, 9, 1)
            ELSE make_date(extract(year FROM first AT TIME ZONE 'Asia/Shanghai')::int, 2, 1)
        END AS start
    FROM named ORDER BY "communityId", name, first
), dated AS (
    SELECT "communityId", name, start,
        CASE WHEN extract(month FROM start) = 9 THEN make_date(extract(year FROM start)::int + 1, 1, 31) ELSE make_date(extract(year FROM start)::int, 8, 31) END AS "end"
    FROM spans
), unmatched AS (
    SELECT d.* FROM dated d
    WHERE NOT EXISTS (SELECT 1 FROM "Term" t WHERE t."communityId" = d."communityId" AND (t.name = d.name OR (t.start <= d."end" AND t."end" >= d.start)))
)
INSERT INTO "Term" ("communityId", "name", "start", "end")
SELECT DISTINCT ON ("communityId", start) "communityId",
    name, start, "end"
FROM unmatched ORDER BY "communityId", start, name;

-- Each row to the term its name stood for: the same name, else the term whose dates overlap
-- the stretch its name named (as above).
WITH named AS (
    SELECT id, "communityId", term AS name, "createdAt" AS first, 'pair' AS kind FROM "MentorPair" WHERE term IS NOT NULL
    UNION ALL
    SELECT id, "communityId", term, "createdAt", 'target' FROM "Target"
), dated AS (
    SELECT n.*,
        CASE
            WHEN name ~ '^\d{4}年秋季学期$' THEN make_date(substr(name, 1, 4)::int, 9, 1)
            WHEN name ~ '^\d{4}年春季学期$' THEN make_date(substr(name, 1, 4)::int, 2, 1)
            WHEN extract(month FROM first AT TIME ZONE 'Asia/Shanghai') >= 9 THEN make_date(extract(year FROM first AT TIME ZONE 'Asia/Shanghai')::int, 9, 1)
            WHEN extract(month FROM first AT TIME ZONE 'Asia/Shanghai') = 1 THEN make_date(extract(year FROM first AT TIME ZONE 'Asia/Shanghai')::int - 1, 9, 1)
            ELSE make_date(extract(year FROM first AT TIME ZONE 'Asia/Shanghai')::int, 2, 1)
        END AS start
    FROM named n
), resolved AS (
    SELECT d.id, d.kind, (
        SELECT t.id FROM "Term" t
        WHERE t."communityId" = d."communityId"
          AND (t.name = d.name OR (t.start <= (CASE WHEN extract(month FROM d.start) = 9 THEN make_date(extract(year FROM d.start)::int + 1, 1, 31) ELSE make_date(extract(year FROM d.start)::int, 8, 31) END) AND t."end" >= d.start))
        ORDER BY (t.name = d.name) DESC, t.id LIMIT 1
    ) AS "termId"
    FROM dated d
)
UPDATE "MentorPair" p SET "termId" = r."termId" FROM resolved r WHERE r.kind = 'pair' AND r.id = p.id;

WITH dated AS (
    SELECT id, "communityId", term AS name,
        CASE
            WHEN term ~ '^\d{4}年秋季学期$' THEN make_date(substr(term, 1, 4)::int, 9, 1)
            WHEN term ~ '^\d{4}年春季学期$' THEN make_date(substr(term, 1, 4)::int, 2, 1)
            WHEN extract(month FROM "createdAt" AT TIME ZONE 'Asia/Shanghai') >= 9 THEN make_date(extract(year FROM "createdAt" AT TIME ZONE 'Asia/Shanghai')::int, 9, 1)
            WHEN extract(month FROM "createdAt" AT TIME ZONE 'Asia/Shanghai') = 1 THEN make_date(extract(year FROM "createdAt" AT TIME ZONE 'Asia/Shanghai')::int - 1, 9, 1)
            ELSE make_date(extract(year FROM "createdAt" AT TIME ZONE 'Asia/Shanghai')::int, 2, 1)
        END AS start
    FROM "Target"
)
UPDATE "Target" g SET "termId" = (
    SELECT t.id FROM "Term" t
    WHERE t."communityId" = d."communityId"
      AND (t.name = d.name OR (t.start <= (CASE WHEN extract(month FROM d.start) = 9 THEN make_date(extract(year FROM d.start)::int + 1, 1, 31) ELSE make_date(extract(year FROM d.start)::int, 8, 31) END) AND t."end" >= d.start))
    ORDER BY (t.name = d.name) DESC, t.id LIMIT 1
) FROM dated d WHERE d.id = g.id;

ALTER TABLE "Target" ALTER COLUMN "termId" SET NOT NULL;
DROP INDEX IF EXISTS "Target_communityId_term_idx";
ALTER TABLE "MentorPair" DROP COLUMN "term";
ALTER TABLE "Target" DROP COLUMN "term";
CREATE INDEX "Target_communityId_termId_idx" ON "Target"("communityId", "termId");
ALTER TABLE "MentorPair" ADD CONSTRAINT "MentorPair_termId_fkey" FOREIGN KEY ("termId") REFERENCES "Term"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Target" ADD CONSTRAINT "Target_termId_fkey" FOREIGN KEY ("termId") REFERENCES "Term"("id") ON DELETE CASCADE ON UPDATE CASCADE;
