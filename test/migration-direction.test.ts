/**
 * Migration 20261128000000 on records made before it: each activity gets the best reading of who
 * gave it (主讲 naming a member with a school, else the recorder's school, else the host) and
 * whom it was given to (host and participants other than the giver). Runs on a database of its own.
 */
import { describe, expect, it } from "vitest";
import { databaseBefore } from "./support/migration-db.ts";

const MIGRATION = "20261128000000_activity_direction_targets_terms";
const db = databaseBefore(MIGRATION);
const apply = db.apply;

describe(`migration ${MIGRATION}`, () => {
  it("backfills the giver and receivers of existing records, and the targets' new columns", async () => {
    const q = db.q;
    const [c] = await q(`INSERT INTO "Community" (name) VALUES ('旧共同体') RETURNING id`);
    const school = async (n: string, role: string) =>
      (await q(`INSERT INTO "School" ("communityId", "fullName", role, "shortNames") VALUES ($1, $2, $3, '{}') RETURNING id`, [c.id, n, role]))[0].id as number;
    const [core, yang, qing] = [await school("县实小", "core"), await school("杨庄", "member"), await school("青龙沟", "member")];
    const member = async (n: string, schoolId: number | null) =>
      (await q(`INSERT INTO "Member" ("communityId", "displayName", "schoolId") VALUES ($1, $2, $3) RETURNING id`, [c.id, n, schoolId]))[0].id as number;
    const [admin_, , li, nobody] = [await member("王主任", core), await member("王芳", core), await member("李娜", yang), await member("无校", null)];
    let n = 0;
    const activity = async (recorder: number, host: number | null, schoolIds: number[], people: string[]) => {
      n++;
      await q(
        `INSERT INTO "Activity" ("communityId", number, kind, date, "hostSchoolId", "schoolIds", people, "recorderId", "sourceMessageKey", "updatedAt")
               VALUES ($1, $2, '示范课', '2026-11-20', $3, $4, $5, $6, $7, now())`,
        [c.id, n, host, schoolIds, people, recorder, `k${n}`],
      );
    };
    await activity(admin_, yang, [], ["王芳"]); // 1: 王芳 (县实小) at 杨庄 → 县实小 → 杨庄
    await activity(li, yang, [core], []); // 2: 李娜's own lesson, the core school attending → 杨庄 → 县实小
    await activity(admin_, qing, [yang, core], ["外校专家", "李娜"]); // 3: first named member is 李娜 → 杨庄 → 青龙沟, 县实小
    await activity(nobody, core, [], ["外校专家"]); // 4: nobody with a school: the host gives, nobody receives
    await activity(admin_, core, [core], []); // 5: inside the core school
    await q(`INSERT INTO "Target" ("communityId", term, kind, scope, "minCount") VALUES ($1, '2026年秋季学期', '示范课', 'school', 2)`, [c.id]);

    await apply(MIGRATION);

    const rows = await q(`SELECT number, "givingSchoolId" AS g, "receiverSchoolIds" AS r FROM "Activity" ORDER BY number`);
    expect(rows).toEqual([
      { number: 1, g: core, r: [yang] },
      { number: 2, g: yang, r: [core] },
      { number: 3, g: yang, r: [qing, core] },
      { number: 4, g: core, r: [] },
      { number: 5, g: core, r: [] },
    ]);
    const [t] = await q(`SELECT scope, role, "receiverRole", directed, "atReceiver", side, per, label FROM "Target"`);
    expect(t).toEqual({ scope: "school", role: null, receiverRole: null, directed: false, atReceiver: false, side: null, per: "term", label: null });
    // The new scope value is usable once the migration has committed.
    await q(`INSERT INTO "Target" ("communityId", term, kind, scope, "minCount", side) VALUES ($1, 't', '听评课', 'mentor', 2, 'mentor')`, [c.id]);
  });
});
