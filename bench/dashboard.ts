/**
 * `npm run bench:dashboard`: the bureau's signed-in district page for 300 communities (1,200
 * schools, 30,000 activities this term), fetched over HTTP from a running app with a session
 * cookie, against two baselines measured in the same run: the page's data loaded the old way
 * (each community's progress on its own, eight at a time, as /区县 进度 did) and the same rows
 * in one plain SQL query. Target (issue 22): the page in < 1 s.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { randomUUID } from "node:crypto";
import { startApp } from "../app/app.ts";
import { loadEnv } from "../config/env.ts";
import { mapLimit } from "../core/map-limit.ts";
import { signToken } from "../core/signed-token.ts";
import { createDatabase } from "../db/client.ts";
import { progressReportOf } from "../db/progress-report.ts";
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
  // Communities that went quiet: the last tenth records nothing after October.
  await sql.query(
    `INSERT INTO "Activity" ("communityId", number, kind, date, "hostSchoolId", "givingSchoolId", "receiverSchoolIds", "schoolIds", people, subject, "recorderId", "sourceMessageKey", "updatedAt")
    SELECT c.id, g, (ARRAY['示范课','听评课','集体备课','专题讲座','教研活动'])[1 + g % 5],
      DATE '2026-09-01' + (g * 37 % (CASE WHEN c.id % 10 = 0 THEN 50 ELSE 85 END)),
      s.core + 1 + g % 3, s.core, ARRAY[s.core + 1 + g % 3], ARRAY[]::int[], ARRAY['县实小老师'], '语文', s.admin, 'bench:' || c.id || ':' || g, now()
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
  const pageMs = await timed(RUNS, page);
  const ids = (await sql.query<{ id: number }>(`SELECT id FROM "Community" WHERE "districtId" = $1`, [districtId])).rows.map((r) => r.id);
  const oldWayMs = await timed(3, () => mapLimit(ids, 8, (id) => progressReportOf(app.db, id, NOW)));
  const sqlMs = await timed(RUNS, () =>
    sql.query(`SELECT "communityId", kind, date, "givingSchoolId", "receiverSchoolIds" FROM "Activity" WHERE "communityId" = ANY($1) AND "revokedAt" IS NULL`, [ids]),
  );
  await app.close();
  await sql.end();

  const at = new Date().toISOString().replace("T", " ").slice(0, 16);
  const section = [
    `## ${at} UTC — signed-in district page: ${COMMUNITIES} communities, ${COMMUNITIES * PER_COMMUNITY} activities`,
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, shared with other jobs. \`npm run bench:dashboard\`: the app in-process, the page fetched over loopback with a session cookie; medians of ${RUNS} runs after one warm-up (the old way: 3 runs).`,
    "",
    "| what | median | target |",
    "|---|---|---|",
    `| baseline: the term's activity rows in one SQL query | ${sqlMs.toFixed(0)} ms | — |`,
    `| baseline: every community's progress loaded on its own, 8 at a time (before this change) | ${oldWayMs.toFixed(0)} ms | — |`,
    `| GET /district/:id (standing of every community in 4 queries, traffic lights, table of ${rows} rows, term chart) | ${pageMs.toFixed(0)} ms | < 1000 ms ${pageMs < 1000 ? "✅" : "❌"} |`,
    "",
    `- Page vs the old loading: ${(oldWayMs / pageMs).toFixed(1)}× faster; page vs one SQL query: ${(pageMs / sqlMs).toFixed(1)}×. HTML ${(html.length / 1024).toFixed(0)} KiB.`,
    "",
  ].join("\n");
  const file = new URL("./RESULTS.md", import.meta.url);
  const old = readFileSync(file, "utf8");
  const cut = old.indexOf("\n## ");
  writeFileSync(file, cut < 0 ? `${old}\n${section}` : `${old.slice(0, cut + 1)}${section}\n${old.slice(cut + 1)}`);
  console.log(section);
}

await main();
