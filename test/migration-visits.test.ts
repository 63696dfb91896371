/**
 * Migration 20261201221500 on visits (听评课, 参观学习, 挂职) stored before it: the visiting school
 * becomes the 派出校 where the stored reading cannot be meant (the host's own lesson although the
 * recorder came from elsewhere; the host as the one who went). Runs on a database of its own.
 */
import { describe, expect, it } from "vitest";
import { databaseBefore } from "./support/migration-db.ts";

const MIGRATION = "20261201221500_visit_direction";
const db = databaseBefore(MIGRATION);
const apply = db.apply;

describe(`migration ${MIGRATION}`, () => {
  it("re-reads the visits that could not be meant as stored, and leaves every other record alone", async () => {
    const q = db.q;
    const [c] = await q(`INSERT INTO "Community" (name) VALUES ('旧共同体') RETURNING id`);
    const school = async (n: string, role: string) =>
      (await q(`INSERT INTO "School" ("communityId", "fullName", role, "shortNames") VALUES ($1, $2, $3, '{}') RETURNING id`, [c.id, n, role]))[0].id as number;
    const [core, yang, qing] = [await school("县实小", "core"), await school("杨庄", "member"), await school("青龙沟", "member")];
    const member = async (n: string, schoolId: number | null) =>
      (await q(`INSERT INTO "Member" ("communityId", "displayName", "schoolId") VALUES ($1, $2, $3) RETURNING id`, [c.id, n, schoolId]))[0].id as number;
    const [wang, li] = [await member("王主任", core), await member("李娜", yang)];
    let n = 0;
    const activity = async (kind: string, recorder: number, host: number, schoolIds: number[], giver: number, receivers: number[]) => {
      n++;
      await q(
        `INSERT INTO "Activity" ("communityId", number, kind, date, "hostSchoolId", "schoolIds", "givingSchoolId", "receiverSchoolIds", people, "recorderId", "sourceMessageKey", "updatedAt")
         VALUES ($1, $2, $3, '2026-11-20', $4, $5, $6, $7, '{}', $8, $9, now())`,
        [c.id, n, kind, host, schoolIds, giver, receivers, recorder, `k${n}`],
      );
    };
    await activity("听评课", li, core, [], core, []); // 1: 杨庄 watched 王芳 (执教) at 县实小, stored 县实小 校内 → 杨庄 → 县实小
    await activity("听评课", wang, core, [yang], core, [yang]); // 2: 主办 县实小 yet 县实小 → 杨庄 → 杨庄 → 县实小
    await activity("参观学习", wang, core, [qing, yang], core, [qing, yang]); // 3: the first named visited → 青龙沟 → 县实小
    await activity("挂职", li, core, [qing, yang], core, [qing, yang]); // 4: the recorder's school among them → 杨庄 → 县实小
    await activity("听评课", li, yang, [], yang, []); // 5: inside 杨庄, recorded by 杨庄: unchanged
    await activity("示范课", li, core, [], core, []); // 6: not a visit: unchanged
    await activity("听评课", wang, yang, [], core, [yang]); // 7: already a visit 县实小 → 杨庄: unchanged

    await apply(MIGRATION);

    const rows = await q(`SELECT number, "givingSchoolId" AS g, "receiverSchoolIds" AS r FROM "Activity" ORDER BY number`);
    expect(rows).toEqual([
      { number: 1, g: yang, r: [core] },
      { number: 2, g: yang, r: [core] },
      { number: 3, g: qing, r: [core] },
      { number: 4, g: yang, r: [core] },
      { number: 5, g: yang, r: [] },
      { number: 6, g: core, r: [] },
      { number: 7, g: core, r: [yang] },
    ]);
  });
});
