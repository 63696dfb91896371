/**
 * `npm run bench:dashboard`: the bureau's signed-in district page for 300 communities (1,200
 * schools, 30,000 activities this term), fetched over HTTP from a running app with a session
 * cookie, against two baselines measured in the same run: the page's data loaded the old way
 * (each community's progress on its own, eight at a time, as /区县 进度 did), the district's
 * activities read as one Prisma model query (before 2026-12-02) and as one JSON array per
 * community (now), and the same rows in one plain SQL query. Target (issue 22): the page in < 1 s.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { randomUUID } from "node:crypto";
import { startApp } from "../app/app.ts";
import { loadEnv } from "../config/env.ts";
import { mapLimit } from "../core/map-limit.ts";
import { signToken } from "../core/signed-token.ts";
import { createDatabase } from "../db/client.ts";
import { progressReportOf } from "../db/progress-report.ts";
import { activitiesOfMany } from "../db/progress-input.ts";
import { SESSION_COOKIE, SESSION_TTL_MS, sessionKeys } from "../web/auth/session.ts";

const COMMUNITIES = Number(process.env.BENCH_COMMUNITIES ?? 300);
const PER_COMMUNITY = 100;
const RUNS = 7;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/jiaolian_bench_dashboard";
const NOW = new Date("2026-11-26T04:00:00Z");
const SECRET = "b".repeat(40);

async function seed(sql: ReturnType<typeof createDatabase>["sql"], run: string): Promise<number> {
  await sql.query(`TRUNCATE "Community", "District" CASCADE`);
  const d = await sql.query<{ id: number }>(`INSERT INTO "District" (name, "joinCode") VALUES ($1, 'BENCH234') RETURNING id`, [`${run}县教育局`]);
  const districtId = d.rows[0]!.id;
  await sql.query(`INSERT INTO "DistrictAdmin" ("districtId", platform, "userId", "displayName") VALUES ($1, 'sim', 'bureau', '李科长')`, [districtId]);
  await sql.query(`INSERT INTO "Community" (name, "districtId") SELECT $1 || '-共同体' || g, $3 FROM generate_series(1, $2) g`, [run, COMMUNITIES, districtId]);
  await sql.query(`INSERT INTO "School" ("communityId", "fullName", role, "shortNames")
    SELECT c.id, s.name, (CASE WHEN s.n = 1 THEN 'core' ELSE 'member' END)::"SchoolRole", ARRAY[s.short]
    FROM "Community" c, (VALUES (1, '县实验小学', '县实小'), (2, '杨庄乡中心小学', '杨庄'), (3, '青龙沟小学', '青龙沟'), (4, '双庙小学', '双庙')) AS s(n, name, short)`);
  await sql.query(`INSERT INTO "Member" ("communityId", "displayName", roles) SELECT id, '王主任', ARRAY['admin']::"MemberRole"[] FROM "Community"`);
  // A mentor pair (青蓝结对) in every community: the default targets count mentors' and mentees' own records, so people are read and matched too.
  await sql.query(`INSERT INTO "Member" ("communityId", "displayName", "schoolId")
    SELECT c.id, m.name, (SELECT min(id) + m.n FROM "School" WHERE "communityId" = c.id) FROM "Community" c, (VALUES (0, '张导师'), (1, '李徒弟')) AS m(n, name)`);
  await sql.query(`INSERT INTO "MentorPair" ("communityId", "mentorId", "menteeId", subject)
    SELECT c.id, (SELECT id FROM "Member" WHERE "communityId" = c.id AND "displayName" = '张导师'), (SELECT id FROM "Member" WHERE "communityId" = c.id AND "displayName" = '李徒弟'), '语文' FROM "Community" c`);
  // Communities that went quiet: the last tenth records nothing after October.
  await sql.query(
    `INSERT INTO "Activity" ("communityId", number, kind, date, "hostSchoolId", "givingSchoolId", "receiverSchoolIds", "schoolIds", people, subject, "recorderId", "sourceMessageKey", "updatedAt")
    SELECT c.id, g, (ARRAY['示范课','听评课','集体备课','专题讲座','教研活动'])[1 + g % 5],
      DATE '2026-09-01' + (g * 37 % (CASE WHEN c.id % 10 = 0 THEN 50 ELSE 85 END)),
      s.core + 1 + g % 3, s.core, ARRAY[s.core + 1 + g % 3], ARRAY[]::int[],
      (CASE WHEN g % 4 = 0 THEN ARRAY['张导师', '李徒弟'] ELSE ARRAY['县实小' || (g % 7) || '号老师', '杨庄' || (g % 5) || '号老师'] END), '语文', s.admin, 'bench:' || c.id || ':' || g, now()
    FROM "Community" c
    JOIN LATERAL (SELECT min(id) AS core, (SELECT min(id) FROM "Member" WHERE "communityId" = c.id) AS admin FROM "School" WHERE "communityId" = c.id) s ON true,
    generate_series(1, $1) g`,
    [PER_COMMUNITY],
  );
  await sql.query(`ANALYZE`);
  return districtId;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(runs: number, f: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

async function main(): Promise<void> {
  const run = `d${randomUUID().slice(0, 6)}`;
  const env = loadEnv({
    DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    PORT: "0",
    LOG_LEVEL: "warn",
    QUEUE_PREFIX: `bench-${run}`,
    FORM_SECRET: SECRET,
    SCHEDULER_ENABLED: "false",
  });
  const app = await startApp({ env, now: () => NOW });
  const { sql } = createDatabase(DATABASE_URL, 10);
  const districtId = await seed(sql, run);
  const cookie = `${SESSION_COOKIE}=${signToken(sessionKeys(SECRET, "").key, { k: "session", p: "sim", u: "bureau", exp: Date.now() + SESSION_TTL_MS })}`;
  const page = async () => {
    const res = await fetch(`${app.url}/district/${districtId}`, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`district page answered ${res.status}`);
    return res.text();
  };
  const html = await page(); // warm: ECharts' first import, Prisma's first queries
  const rows = (html.match(/<tr><td class="name">/g) ?? []).length;
  const loadBefore = loadavg()[0]!;
  const ids = (await sql.query<{ id: number }>(`SELECT id FROM "Community" WHERE "districtId" = $1`, [districtId])).rows.map((r) => r.id);
  // The same run, interleaved so load drifts hit all alike: the page, and the read of its activities before and after this change.
  const range = { from: "2026-09-01", to: "2027-01-31" };
  const modelRead = () =>
    app.db.activity.findMany({
      where: { communityId: { in: ids }, revokedAt: null, date: { gte: new Date(`${range.from}T00:00:00Z`), lte: new Date(`${range.to}T00:00:00Z`) } },
      select: { communityId: true, kind: true, date: true, hostSchoolId: true, givingSchoolId: true, receiverSchoolIds: true, schoolIds: true, people: true, pairId: true },
    });
  const jsonRead = () => activitiesOfMany(app.db, ids, range.from, range.to);
  const pageMs: number[] = [];
  const modelMs: number[] = [];
  const jsonMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [f, into] of [
      [page, pageMs],
      [modelRead, modelMs],
      [jsonRead, jsonMs],
    ] as const) {
      const t = performance.now();
      await f();
      into.push(performance.now() - t);
    }
  }
  const oldWayMs = await timed(3, () => mapLimit(ids, 8, (id) => progressReportOf(app.db, id, NOW)));
  const sqlMs = await timed(RUNS, () =>
    sql.query(`SELECT "communityId", kind, date, "givingSchoolId", "receiverSchoolIds" FROM "Activity" WHERE "communityId" = ANY($1) AND "revokedAt" IS NULL`, [ids]),
  );
  const loadAfter = loadavg()[0]!;
  await app.close();
  await sql.end();
  const med = (xs: number[]) => median(xs).toFixed(0);
  const pageMedian = median(pageMs);

  const at = new Date().toISOString().replace("T", " ").slice(0, 16);
  const section = [
    `## ${at} UTC — signed-in district page: ${COMMUNITIES} communities, ${COMMUNITIES * PER_COMMUNITY} activities, a mentor pair in each`,
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, shared with other jobs: load average (1 min) ${loadBefore.toFixed(1)} before the timed runs, ${loadAfter.toFixed(1)} after. \`npm run bench:dashboard\`: the app in-process, the page fetched over loopback with a session cookie; medians of ${RUNS} runs after one warm-up, the page and the two reads interleaved (the old way: 3 runs).`,
    "",
    "| what | median | target |",
    "|---|---|---|",
    `| baseline: the term's activity rows in one plain SQL query (node-postgres, no arrays but one) | ${sqlMs.toFixed(0)} ms | — |`,
    `| baseline: every community's progress loaded on its own, 8 at a time (before 2026-12-01) | ${oldWayMs.toFixed(0)} ms | — |`,
    `| baseline: the district's activities as one Prisma model query (the read before 2026-12-02) | ${med(modelMs)} ms | — |`,
    `| the district's activities as one JSON array per community (the read now) | ${med(jsonMs)} ms | — |`,
    `| GET /district/:id (11 SQL statements: session check 1, district 1, communities and their counts 2, progress 5, week bars 1, workbook link 1; traffic lights, table of ${rows} rows, term chart) | ${pageMedian.toFixed(0)} ms (runs: ${pageMs.map((x) => x.toFixed(0)).join(", ")}) | < 1000 ms ${pageMedian < 1000 ? "✅" : "❌"} |`,
    "",
    `- Page vs loading each community on its own: ${(oldWayMs / pageMedian).toFixed(1)}× faster; the activities' read: ${(median(modelMs) / median(jsonMs)).toFixed(1)}× faster than the model query. HTML ${(html.length / 1024).toFixed(0)} KiB.`,
    "",
  ].join("\n");
  const file = new URL("./RESULTS.md", import.meta.url);
  const old = readFileSync(file, "utf8");
  const cut = old.indexOf("\n## ");
  writeFileSync(file, cut < 0 ? `${old}\n${section}` : `${old.slice(0, cut + 1)}${section}\n${old.slice(cut + 1)}`);
  console.log(section);
}

await main();
