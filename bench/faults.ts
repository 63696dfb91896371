/**
 * `npm run bench:faults`: the fault table at full size. 1,000 /记录 messages fired 20 at a time
 * through the simulator against the bot as its own process(es), one fault injected at 30 %,
 * every unanswered message delivered again. Private PostgreSQL and Redis (test/faults/services.ts),
 * never the shared ones. Appends a table to bench/RESULTS.md.
 *   npm run bench:faults                 every row, PostgreSQL down 30 s and 5 min
 *   npm run bench:faults -- sigkill pg   only these rows
 *   FAULT_REPEAT=5 npm run bench:faults -- sigkill   each row 5 times, with min/median/max of the recovery
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { useCompiledBot } from "../test/faults/bot-process.ts";
import { PrivatePostgres, PrivateRedis } from "../test/faults/services.ts";
import { runScenario, type Fault, type ScenarioResult } from "../test/faults/scenario.ts";

const N = Number(process.env.FAULT_MESSAGES ?? 1000);
const REPEAT = Math.max(1, Number(process.env.FAULT_REPEAT ?? 1));
const ROWS: { label: string; fault: Fault; downMs?: number }[] = [
  { label: "SIGTERM, restart", fault: "sigterm" },
  { label: "Redis killed (nothing persisted), back 2 s later", fault: "redis" },
  { label: "SIGKILL of the only process, restart", fault: "sigkill" },
  { label: "1 gateway + 2 workers, one worker SIGKILLed", fault: "sigkill-worker" },
  { label: "PostgreSQL stopped, SIGTERM 3 s later while messages wait, both back", fault: "pg-sigterm" },
  { label: "PostgreSQL stopped for 30 s", fault: "pg", downMs: 30_000 },
  { label: "PostgreSQL stopped for 5 min", fault: "pg", downMs: 300_000 },
];

const wanted = process.argv.slice(2);
const rows = wanted.length ? ROWS.filter((r) => wanted.includes(r.fault)) : ROWS;

function line(label: string, r: ScenarioResult): string {
  const ok = r.recorded === N && r.distinctRecorded === N && r.answered === N && r.repliedTwice === 0 && r.apologies === 0;
  const ms = r.inFlightAnsweredAfterRestartMs;
  const exit = r.exitMs === undefined ? "" : ` (exit ${(r.exitMs / 1000).toFixed(1)} s after SIGTERM)`;
  const secs = (v: number | undefined) => (v === undefined ? "–" : v <= 0 ? "all answered before" : `${(v / 1000).toFixed(1)} s`);
  const restart = secs(ms) + exit;
  return `| ${label} | ${r.recorded} / ${N} (${r.distinctRecorded} distinct) | ${r.answered} / ${N} | ${r.repliedTwice} (${r.repliesRunTwice}) | ${r.apologies} | ${r.notices} | ${restart} | ${secs(r.inFlightAnsweredAfterReadyMs)} | ${r.redeliveries} | ${r.rawStderrLines.length} | ${(r.durationMs / 1000).toFixed(0)} s | ${ok ? "✅" : "❌"} |`;
}

useCompiledBot();
const pg = await PrivatePostgres.start();
const redis = await PrivateRedis.start();
const lines: string[] = [];
const spreads: string[] = [];
try {
  for (const row of rows) {
    const recoveries: number[] = [];
    const fromReady: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const r = await runScenario({ fault: row.fault, downMs: row.downMs, messages: N, services: { pg, redis } });
      const l = line(row.label, r);
      console.log(l);
      if (r.rawStderrLines.length) console.log(r.rawStderrLines.slice(0, 5).join("\n"));
      lines.push(l);
      if (r.inFlightAnsweredAfterRestartMs !== undefined) recoveries.push(r.inFlightAnsweredAfterRestartMs);
      if (r.inFlightAnsweredAfterReadyMs !== undefined) fromReady.push(r.inFlightAnsweredAfterReadyMs);
    }
    if (REPEAT > 1 && recoveries.length) spreads.push(spread(`${row.label}: restart → in flight answered`, recoveries));
    if (REPEAT > 1 && fromReady.length) spreads.push(spread(`${row.label}: ready → in flight answered`, fromReady));
  }
} finally {
  pg.destroy();
  await redis.destroy();
}

function spread(label: string, ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const f = (v: number | undefined) => `${((v ?? NaN) / 1000).toFixed(1)} s`;
  return `- ${label}, ${s.length} runs: min ${f(s[0])}, median ${f(s[Math.floor((s.length - 1) / 2)])}, max ${f(s.at(-1))}`;
}

const results = fileURLToPath(new URL("./RESULTS.md", import.meta.url));
const now = new Date().toISOString().slice(0, 16).replace("T", " ");
const section = [
  `## ${now} UTC — fault table: ${N} /记录 messages, 20 at a time, one fault at 30 %`,
  "",
  `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Bot compiled, run as \`npm start\` runs it (same heap flags), default settings (JOB_LOCK_MS 6000, STALLED_INTERVAL_MS 2000, OUTAGE_NOTICE_AFTER_MS 120000; a dead worker process's jobs reclaimed by workers/reclaim.ts), private PostgreSQL (fsync off) and redis-server (no persistence). Every unanswered message is delivered again after 300 ms, as a platform would. "answered": its final reply 已记录 #n was delivered (delivery log, or the client got it). "reply jobs run twice": reply jobs started more than once, the upper bound of replies a real platform could show twice (the simulator accepts one answer per message, as a callback does). "restart → in flight answered": from spawning the new process (or the kill, with two workers) to the last message that was in flight at the crash answered; "ready → …": the same from the new process's first 200 on /healthz (boot taken out; with two workers, from the kill).`,
  "",
  "| fault | records (distinct) | answered | replied twice (reply jobs run twice) | apologies | outage notices | restart → in flight answered | ready → in flight answered | redeliveries | raw stderr lines | duration | |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|",
  ...lines,
  "",
  ...(spreads.length ? [...spreads, ""] : []),
];
const old = readFileSync(results, "utf8");
const head = old.indexOf("\n## ");
writeFileSync(results, head < 0 ? `${old}\n${section.join("\n")}` : `${old.slice(0, head + 1)}${section.join("\n")}\n${old.slice(head + 1)}`);
