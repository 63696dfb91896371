/**
 * `npm run bench:exports`: a district of 300 communities and 30,000 activities exported as one
 * workbook, and one community's ledger, from the bot running as its own process (`npm start`'s
 * build and heap flags), through the signed download route. Peak RSS is the bot's VmHWM.
 * Baseline in the same run: reading the same 30,000 rows with one SQL query.
 * Targets (issue "Ledgers and summaries"): district < 20 s, community < 2 s, memory < 300 MB.
 * Also the district's weekly digest for the same district (load + compose, in this process).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { composeDistrictDigest } from "../core/digest/district.ts";
import { signLink } from "../core/links/index.ts";
import { createDatabase } from "../db/client.ts";
import { loadDistrictDigestInput } from "../db/district-digest-input.ts";
import { migrate, ensureDatabase } from "../db/migrate.ts";

const COMMUNITIES = 300;
const PER_COMMUNITY = 100;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/jiaolian_bench";
const SECRET = "b".repeat(40);
const START = fileURLToPath(new URL("../app/start.js", import.meta.url));
const PORT = 3950;

async function seed(sql: pg.Client, tag: string): Promise<{ districtId: number; adminId: number; communityId: number; memberId: number }> {
  const d = await sql.query<{ id: number }>(`INSERT INTO "District" (name, "joinCode") VALUES ($1, 'BENCHCOD') RETURNING id`, [`区县${tag}`]);
  const districtId = d.rows[0]!.id;
  const a = await sql.query<{ id: number }>(`INSERT INTO "DistrictAdmin" ("districtId", platform, "userId", "displayName") VALUES ($1, 'sim', $2, '刘科长') RETURNING id`, [districtId, `u${tag}`]);
  await sql.query(`INSERT INTO "Community" (name, "districtId") SELECT $1 || '共同体' || g, $2 FROM generate_series(1, $3) g`, [tag, districtId, COMMUNITIES]);
  await sql.query(
    `INSERT INTO "School" ("communityId", "fullName", role, "shortNames")
    SELECT c.id, s.name, (CASE WHEN s.n = 1 THEN 'core' ELSE 'member' END)::"SchoolRole", ARRAY[]::text[]
    FROM "Community" c, (VALUES (1, '县实验小学'), (2, '杨庄乡中心小学'), (3, '青龙沟小学'), (4, '双庙小学')) AS s(n, name) WHERE c."districtId" = $1`,
    [districtId],
  );
  await sql.query(`INSERT INTO "Member" ("communityId", "displayName", roles) SELECT id, '王主任', ARRAY['admin']::"MemberRole"[] FROM "Community" WHERE "districtId" = $1`, [districtId]);
  await sql.query(
    `INSERT INTO "Activity" ("communityId", number, kind, date, "hostSchoolId", "schoolIds", people, subject, title, headcount, "recorderId", "sourceMessageKey", "updatedAt")
    SELECT c.id, g, (ARRAY['示范课','听评课','集体备课','专题讲座','联席会议'])[1 + g % 5], DATE '2026-09-01' + (g % 120),
      (SELECT min(id) FROM "School" WHERE "communityId" = c.id), ARRAY[(SELECT max(id) FROM "School" WHERE "communityId" = c.id)], ARRAY['张老师'], '语文', '课题' || g, 30,
      (SELECT min(id) FROM "Member" WHERE "communityId" = c.id), 'bench:' || c.id || ':' || g, now()
    FROM "Community" c, generate_series(1, $2) g WHERE c."districtId" = $1`,
    [districtId, PER_COMMUNITY],
  );
  const one = await sql.query<{ cid: number; mid: number }>(
    `SELECT c.id AS cid, m.id AS mid FROM "Community" c JOIN "Member" m ON m."communityId" = c.id WHERE c."districtId" = $1 ORDER BY c.id LIMIT 1`,
    [districtId],
  );
  return { districtId, adminId: a.rows[0]!.id, communityId: one.rows[0]!.cid, memberId: one.rows[0]!.mid };
}

async function timed(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const bytes = (await res.arrayBuffer()).byteLength;
  return { ms: performance.now() - t0, bytes, status: res.status };
}

async function main() {
  await ensureDatabase(DATABASE_URL);
  await migrate(DATABASE_URL);
  const sql = new pg.Client({ connectionString: DATABASE_URL });
  await sql.connect();
  const tag = randomUUID().slice(0, 8);
  const t0 = performance.now();
  const ids = await seed(sql, tag);
  const seedMs = performance.now() - t0;
  const b0 = performance.now();
  const base = await sql.query(`SELECT a.* FROM "Activity" a JOIN "Community" c ON c.id = a."communityId" WHERE c."districtId" = $1`, [ids.districtId]);
  const baselineMs = performance.now() - b0;

  const child = spawn(process.execPath, ["--max-semi-space-size=4", "--max-old-space-size=160", START], {
    env: { ...process.env, PORT: String(PORT), LOG_LEVEL: "warn", DATABASE_URL, FORM_SECRET: SECRET, SCHEDULER_ENABLED: "false", QUEUE_PREFIX: `bx${tag}` },
    stdio: ["ignore", "inherit", "inherit"],
  });
  // A failed run must not leave the bot behind holding the port (the next run would measure it).
  process.on("exit", () => child.kill("SIGTERM"));
  const url = `http://127.0.0.1:${PORT}`;
  for (
    let i = 0;
    i < 300 &&
    !(await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await new Promise((r) => setTimeout(r, 100));
  const exp = Date.now() + 3_600_000;
  const range = { f: "2026-09-01", t: "2027-01-31" };
  const signing = { baseUrl: url, secret: SECRET };
  const community = await timed(signLink(signing, { l: "d", w: "ledger", c: ids.communityId, m: ids.memberId, ...range, exp }));
  const district = await timed(signLink(signing, { l: "d", w: "district", d: ids.districtId, a: ids.adminId, ...range, exp }));
  const database = createDatabase(DATABASE_URL, 10);
  const d0 = performance.now();
  const digestNow = new Date("2026-11-30T00:30:00Z");
  const input = await loadDistrictDigestInput(database.db, { id: ids.districtId, name: tag }, { name: "2026年秋季学期", start: range.f, end: range.t }, "2026-11-30", "Asia/Shanghai", digestNow);
  const digestBytes = Buffer.byteLength(composeDistrictDigest(input, digestNow).flat().join("\n"));
  const digestMs = performance.now() - d0;
  await database.db.$disconnect();
  await database.sql.end();
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  child.kill("SIGTERM");
  await sql.end();

  const at = new Date().toISOString().replace("T", " ").slice(0, 16);
  const section = [
    `## ${at} UTC — exports: a district of ${COMMUNITIES} communities, ${base.rowCount} activities`,
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Bot: its own process, \`npm start\` build and heap flags; files fetched through the signed download route on loopback.`,
    "",
    "| what | time | file | target |",
    "|---|---|---|---|",
    `| baseline: the same ${base.rowCount} rows in one SQL query | ${baselineMs.toFixed(0)} ms | — | — |`,
    `| one community's ledger (${PER_COMMUNITY} activities) | ${community.ms.toFixed(0)} ms | ${(community.bytes / 1024).toFixed(0)} KiB | < 2 s ${community.ms < 2000 ? "✅" : "❌"} |`,
    `| district workbook (${COMMUNITIES + 1} sheets) | ${(district.ms / 1000).toFixed(1)} s | ${(district.bytes / 2 ** 20).toFixed(1)} MiB | < 20 s ${district.ms < 20_000 ? "✅" : "❌"} |`,
    "",
    `- Peak RSS of the bot process over the run (VmHWM): ${hwm.toFixed(0)} MB (target < 300 MB ${hwm < 300 ? "✅" : "❌"}). District export vs baseline: ${(district.ms / baselineMs).toFixed(1)}×.`,
    `- District weekly digest (区县周报) for the same district, loaded and composed: ${(digestMs / 1000).toFixed(1)} s, ${(digestBytes / 1024).toFixed(1)} KiB of text (the Monday tick's work per district).`,
    `- Seeding took ${(seedMs / 1000).toFixed(1)} s (not measured above). HTTP status: ${community.status}, ${district.status}.`,
    "",
  ].join("\n");
  console.log(section);
  const file = fileURLToPath(new URL("../../bench/RESULTS.md", import.meta.url));
  const old = readFileSync(file, "utf8");
  const cut = old.indexOf("\n## ");
  writeFileSync(file, cut < 0 ? `${old}\n${section}` : `${old.slice(0, cut + 1)}${section}\n${old.slice(cut + 1)}`);
}

await main();
