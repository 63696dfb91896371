/**
 * Migration 20261202023000 on pairs and targets filed under a term's name: each row points at the
 * term its name stood for, including rows left behind by a rename (issue 23). A database of its own.
 */
import { describe, expect, it } from "vitest";
import { databaseBefore } from "./support/migration-db.ts";

const MIGRATION = "20261202023000_term_identity";
const db = databaseBefore(MIGRATION);
const { q, apply } = db;

describe(`migration ${MIGRATION}`, () => {
  it("files every pair and target under the term its name stood for, renamed ones included", async () => {
    const [c] = await q(`INSERT INTO "Community" (name, "termName", "termStart", "termEnd") VALUES ('旧共同体', '2026秋季学期', '2026-09-01', '2027-01-20') RETURNING id`);
    const member = async (n: string) => (await q(`INSERT INTO "Member" ("communityId", "displayName") VALUES ($1, $2) RETURNING id`, [c.id, n]))[0].id as number;
    const [a, b, d, e] = [await member("王老师"), await member("李老师"), await member("张老师"), await member("赵老师")];
    const pair = async (mentor: number, mentee: number, term: string | null, at: string) =>
      (await q(`INSERT INTO "MentorPair" ("communityId", "mentorId", "menteeId", term, "createdAt") VALUES ($1, $2, $3, $4, $5) RETURNING id`, [c.id, mentor, mentee, term, at]))[0].id as number;
    const renamed = await pair(a, b, "2026年秋季学期", "2026-10-01T02:00:00Z"); // made before the rename: the bug's orphan
    const current = await pair(d, e, "2026秋季学期", "2026-11-01T02:00:00Z");
    const spring = await pair(a, e, "2026年春季学期", "2026-03-01T02:00:00Z");
    const loose = await pair(b, d, null, "2026-10-01T02:00:00Z");
    await q(
      `INSERT INTO "Target" ("communityId", term, kind, scope, "minCount", "createdAt") VALUES ($1, '2026年秋季学期', '示范课', 'school', 2, '2026-10-01'), ($1, '本学期', '听评课', 'school', 1, '2026-10-05'), ($1, '2025年秋季学期', '讲座', 'school', 1, '2025-10-05')`,
      [c.id],
    );

    await apply(MIGRATION);

    const terms = await q(`SELECT id, name, to_char(start, 'YYYY-MM-DD') AS start, to_char("end", 'YYYY-MM-DD') AS "end" FROM "Term" ORDER BY start`);
    expect(terms.map((t) => [t.name, t.start, t.end])).toEqual([
      ["2025年秋季学期", "2025-09-01", "2026-01-31"],
      ["2026年春季学期", "2026-02-01", "2026-08-31"],
      ["2026秋季学期", "2026-09-01", "2027-01-20"],
    ]);
    const idOf = (n: string) => terms.find((t) => t.name === n)!.id;
    const pairs = new Map((await q(`SELECT id, "termId" FROM "MentorPair"`)).map((p) => [p.id, p.termId]));
    expect([pairs.get(renamed), pairs.get(current), pairs.get(spring), pairs.get(loose)]).toEqual([idOf("2026秋季学期"), idOf("2026秋季学期"), idOf("2026年春季学期"), null]);
    const targets = await q(`SELECT kind, "termId" FROM "Target" ORDER BY id`);
    expect(targets.map((t) => [t.kind, t.termId])).toEqual([
      ["示范课", idOf("2026秋季学期")],
      ["听评课", idOf("2026秋季学期")], // an earlier name, dated by when it was set
      ["讲座", idOf("2025年秋季学期")],
    ]);
    const columns = await q(`SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN ('MentorPair', 'Target') AND column_name = 'term'`);
    expect(columns).toEqual([]);
  });
});
