/**
 * `npm run bench:digest`: a province — 3,000 communities, 12,000 schools, 300,000 activities this
 * term, 4 principals and a group each, two mentor pairs each — generated with bulk SQL; then the
 * Monday 08:00 tick composes every digest and hands it to the outbound queue (real PostgreSQL and
 * Redis, through the delivery ledger). Measured: compose only (load + compose, no queue), the
 * whole tick, the biggest queued message against each platform's limit, peak RSS of this process,
 * and separately the chart cost (one chart per community and week at most).
 * Targets (issue 11): every digest composed in ≤ 30 s, RSS < 300 MB.
 */
import { cpus, totalmem } from "node:os";
import { composeDigest } from "../core/digest/compose.ts";
import { DIGEST_LIMIT } from "../core/digest/pack.ts";
import { countingTermFor } from "../core/terms.ts";
import { schedulerHarness } from "./scheduler-harness.ts";
import { seedProvince } from "./province-seed.ts";
import { prependResults } from "./results.ts";
import { loadDigestInput } from "../db/digest-input.ts";
import { renderProgressChart } from "../reports/progress-chart.ts";
import { runDigestWork } from "../workers/schedule/digest-work.ts";

const COMMUNITIES = Number(process.env.BENCH_COMMUNITIES ?? 3000);
const CHARTS = 20;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/jiaolian_bench_digest";
const MONDAY = new Date("2026-11-30T00:00:00Z"); // 08:00 in Beijing
const TODAY = "2026-11-30";

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const mb = (b: number) => (b / 2 ** 20).toFixed(0);

async function main(): Promise<void> {
  const { db, sql, redis, producers, log, run } = await schedulerHarness(DATABASE_URL, "warn");

  let t = performance.now();
  await seedProvince(sql, run, COMMUNITIES);
  const seedMs = performance.now() - t;
  const counts = (await sql.query<{ c: string; s: string; a: string }>(`SELECT (SELECT count(*) FROM "Community") c, (SELECT count(*) FROM "School") s, (SELECT count(*) FROM "Activity") a`)).rows[0]!;

  // 1. Compose only: every community's full digest (load + compose), four at a time, no queue.
  const communities = await db.community.findMany({ select: { id: true, name: true, timezone: true, termName: true, termStart: true, termEnd: true } });
  t = performance.now();
  let bytes = 0;
  const todo = [...communities];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let c = todo.shift(); c; c = todo.shift()) {
        const input = await loadDigestInput(db, c, countingTermFor({ termName: null, termStart: null, termEnd: null }, TODAY), TODAY, MONDAY);
        bytes += composeDigest(input, { ownSchoolId: null, short: false }).sections.flat().join("\n").length;
      }
    }),
  );
  const composeMs = performance.now() - t;

  // 2. The Monday 08:00 tick: compose per recipient, claim in the ledger, queue.
  t = performance.now();
  const result = await runDigestWork({ db, producers, log, now: () => MONDAY }, MONDAY);
  const tickMs = performance.now() - t;
  const again = performance.now();
  const second = await runDigestWork({ db, producers, log, now: () => new Date(MONDAY.getTime() + 60_000) }, new Date(MONDAY.getTime() + 60_000));
  const againMs = performance.now() - again;

  // What was queued (read from the ledger's payloads in SQL, not into this process): sizes against each platform's limit.
  const size = (
    await sql.query<{ biggest: number; over: string; queued: string }>(
      `
    SELECT coalesce(max(octet_length(r->>'text')), 0) AS biggest, count(*) AS queued,
      count(*) FILTER (WHERE octet_length(r->>'text') > CASE d.payload->>'platform' WHEN 'wecom' THEN $1::int WHEN 'dingtalk' THEN $2::int ELSE $3::int END) AS over
    FROM "Delivery" d, jsonb_array_elements(d.payload->'replies') r WHERE d.kind = 'weekly-digest' AND d.status = 'queued'`,
      [DIGEST_LIMIT.wecom, DIGEST_LIMIT.dingtalk, DIGEST_LIMIT.sim],
    )
  ).rows[0]!;
  const waiting = await producers.outbound.queue.getJobCountByTypes("waiting", "delayed", "prioritized");
  const biggest = size.biggest;
  const over = Number(size.over);

  const digestRss = peakRss;
  // 3. Charts, separately: one per community and week at most.
  t = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < CHARTS; i++) {
    await renderProgressChart({
      title: `共同体${i} 本学期进度`,
      subtitle: "完成 / 目标",
      rows: ["县实小→杨庄", "县实小→青龙沟", "县实小→双庙", "杨庄", "青龙沟", "双庙"].map((label, k) => ({ label, done: (i + k) % 3, target: 3 })),
    });
  }
  const chartMs = (performance.now() - t) / CHARTS;
  const chartCpu = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1000 / CHARTS;
  clearInterval(sampler);
  await producers.outbound.queue.obliterate({ force: true });
  await producers.close();
  await redis.quit();
  await db.$disconnect();
  await sql.end();

  const at = new Date().toISOString().replace("T", " ").slice(0, 16);
  const section = [
    `## ${at} UTC — weekly digest: ${counts.c} communities, ${counts.s} schools, ${counts.a} activities`,
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, shared with other jobs. In-process, built (\`node dist/bench/digest.js\` with \`npm start\`'s heap flags), PostgreSQL pool 10, 4 communities at a time.`,
    "",
    "| what | time | target |",
    "|---|---|---|",
    `| compose only: load (9 queries) + compose the full digest of every community | ${(composeMs / 1000).toFixed(1)} s (${(composeMs / communities.length).toFixed(1)} ms each) | ≤ 30 s ${composeMs <= 30_000 ? "✅" : "❌"} |`,
    `| Monday 08:00 tick: compose per recipient, ledger claim, queue (${result.queued} messages; ${waiting} jobs waiting in the outbound queue) | ${(tickMs / 1000).toFixed(1)} s | — |`,
    `| the next tick (all done: one marker query) | ${againMs.toFixed(0)} ms, ${second.queued} queued | — |`,
    `| one progress chart (ECharts SSR → resvg PNG), mean of ${CHARTS} | ${chartMs.toFixed(0)} ms wall, ${chartCpu.toFixed(0)} ms CPU | — |`,
    "",
    `- Peak RSS of this process while composing and queueing: ${mb(digestRss)} MB (target < 300 MB ${digestRss < 300 * 2 ** 20 ? "✅" : "❌"}); with the chart renders after it: ${mb(peakRss)} MB.`,
    `- Biggest queued message part: ${biggest} bytes; parts over their platform's limit (WeCom 2048, DingTalk 5000, simulator 4096): ${over}. Robot per-minute limits are kept by the outbound adapters' rate limiter (messages wait, never dropped).`,
    `- Charts are not in the tick: at most one per community and week would cost ${((chartCpu * communities.length) / 1000).toFixed(0)} s of CPU for all ${communities.length}, so they are rendered on request (signed link) rather than in the fan-out.`,
    `- Seeding took ${(seedMs / 1000).toFixed(1)} s (bulk SQL, not measured above). Text composed: ${(bytes / 2 ** 20).toFixed(1)} M characters.`,
    "",
  ].join("\n");
  console.log(section);
  prependResults(new URL("../../bench/RESULTS.md", import.meta.url), section);
}

await main();
