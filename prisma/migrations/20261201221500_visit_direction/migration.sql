-- Visits (听评课, 参观学习, 挂职): the 派出校 is the visiting school, the host the school visited
-- (core/direction.ts). Records made before were read by the watched teacher's school, so a
-- member school's visit to the core school could be stored as the core school's own (校内) and
-- count for no target. Re-read the two shapes that cannot be meant as stored:

-- 1. No other school named, recorded by someone of another school, and stored as the host's
--    own: the recorder's school visited the host.
UPDATE "Activity" a
SET "givingSchoolId" = m."schoolId", "receiverSchoolIds" = ARRAY[a."hostSchoolId"]
FROM "Member" m
WHERE m.id = a."recorderId"
  AND a.kind IN ('听评课', '参观学习', '挂职')
  AND a."hostSchoolId" IS NOT NULL AND m."schoolId" IS NOT NULL AND m."schoolId" <> a."hostSchoolId"
  AND a."givingSchoolId" = a."hostSchoolId"
  AND cardinality(array_remove(a."schoolIds", a."hostSchoolId")) = 0;

-- 2. Other schools named, and the host stored as the one who went (「主办 X」 with 「X → Y 赴对方听课」):
--    the recorder's school if among them, else the first named, visited the host.
UPDATE "Activity" a
SET "givingSchoolId" = COALESCE(
      CASE WHEN m."schoolId" = ANY (array_remove(a."schoolIds", a."hostSchoolId")) THEN m."schoolId" END,
      (array_remove(a."schoolIds", a."hostSchoolId"))[1]),
    "receiverSchoolIds" = ARRAY[a."hostSchoolId"]
FROM "Member" m
WHERE m.id = a."recorderId"
  AND a.kind IN ('听评课', '参观学习', '挂职')
  AND a."hostSchoolId" IS NOT NULL
  AND a."givingSchoolId" = a."hostSchoolId"
  AND cardinality(array_remove(a."schoolIds", a."hostSchoolId")) > 0;
