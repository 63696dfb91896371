/**
 * `npm run bench`: a burst of 500 /记录 messages from 50 chats at once through the simulator,
 * against the bot running as its own process (so its peak RSS is its own). The same burst runs
 * first against ECHO_MODE (same HTTP → BullMQ → outbound → reply path, no database work) as the
 * baseline. Results go to bench/RESULTS.md.
 */
import { spawn } from "node:child_process";
import { dingtalkTransport, simTransport, wecomTransport, type Transport } from "./transports.ts";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";

const CHATS = 50;
const PER_CHAT = 10;
// A full burst first: the server is measured warm (JIT, pool connections, prepared statements), as it runs in practice.
const WARM_UP = CHATS * PER_CHAT;
const ROUNDS = 3;
// Runs compiled, from dist/bench/ (npm run bench builds first), as does the bot it starts.
const START = fileURLToPath(new URL("../app/start.js", import.meta.url));
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/jiaolian_bench";

interface Run {
  label: string;
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
  peakRssMb: number;
  ok: number;
}

async function startBot(port: number, extra: Record<string, string>) {
  // Same flags as `npm start` (a smaller young generation keeps peak RSS down under bursts).
  const child = spawn(process.execPath, ["--max-semi-space-size=4", "--max-old-space-size=160", START], {
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: "warn",
      DATABASE_URL,
      RATE_LIMIT_PER_SENDER: "100000",
      RATE_LIMIT_PER_CHAT: "100000",
      QUEUE_PREFIX: `bench${randomUUID().slice(0, 8)}`,
      ...extra,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, url };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("bot did not start");
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function burst(label: string, extra: Record<string, string>, expect: RegExp, port: number, transport: Transport = simTransport()): Promise<Run> {
  const { child, url } = await startBot(port, { ...extra, ...transport.env });
  await transport.ready(url);
  const send = (_url: string, chatId: string, userId: string, text: string) => transport.send(chatId, userId, text);
  try {
    const tag = randomUUID().slice(0, 8);
    const chats = Array.from({ length: CHATS }, (_, i) => ({ chatId: `bench-${tag}-${i}`, userId: `bench-${tag}-u${i}` }));
    if (!extra.ECHO_MODE) {
      await Promise.all(
        chats.map(async (c, i) => {
          await send(url, c.chatId, c.userId, `/绑定 基准共同体${tag}-${i}`);
          await send(url, c.chatId, c.userId, "/学校 添加 清涧县第二小学 核心 二小");
        }),
      );
    }
    const messages = chats.flatMap((c) => Array.from({ length: PER_CHAT }, (_, k) => ({ ...c, text: `/记录 示范课 11月${(k % 20) + 1}日 二小 语文 ${30 + k}人` })));
    // Warm-up (JIT, prepared statements, pool connections), the same for both runs; not measured.
    await Promise.all(messages.slice(0, WARM_UP).map((m) => send(url, m.chatId, m.userId, m.text)));
    const bursts: Omit<Run, "label" | "peakRssMb">[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = performance.now();
      const results = await Promise.all(messages.map((m) => send(url, m.chatId, m.userId, m.text)));
      const seconds = (performance.now() - t0) / 1000;
      const sorted = results.map((r) => r.ms).sort((x, y) => x - y);
      const ok = results.filter((r) => expect.test(r.text)).length;
      bursts.push({ p50: pct(sorted, 50), p95: pct(sorted, 95), p99: pct(sorted, 99), perSecond: messages.length / seconds, ok });
    }
    // The median round by throughput: shared machines drift, one round can be an outlier.
    const median = [...bursts].sort((x, y) => x.perSecond - y.perSecond)[Math.floor(ROUNDS / 2)] ?? bursts[0]!;
    console.log(label, bursts.map((r) => `${r.perSecond.toFixed(0)}/s p99 ${r.p99.toFixed(0)}ms`).join(" | "));
    return { label, ...median, ok: Math.min(...bursts.map((r) => r.ok)), peakRssMb: peakRssMb(child.pid ?? 0) };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await transport.close();
  }
}

const echo = await burst("echo baseline (no database)", { ECHO_MODE: "true" }, /\/记录/, 3901);
const record = await burst("/记录 → PostgreSQL", {}, /已记录 #\d+/, 3902);
const wecom = await burst("/记录 through the fake WeCom (aibot SDK, WebSocket)", {}, /已记录 #\d+/, 3903, await wecomTransport());
const dingtalk = await burst("/记录 through the fake DingTalk (Stream + interactive card via OpenAPI)", {}, /已记录 #\d+/, 3904, await dingtalkTransport());
const ratio = record.p99 / echo.p99;
const f = (n: number) => n.toFixed(1);
const rows = [echo, record, wecom, dingtalk].map((r) => `| ${r.label} | ${r.ok}/${CHATS * PER_CHAT} (worst burst) | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} | ${f(r.perSecond)} | ${r.peakRssMb} |`);
const verdict = [
  `p99 ratio record/echo: ${ratio.toFixed(2)}× (target ≤ 3×) ${ratio <= 3 ? "✅" : "❌"}`,
  `records per second: ${f(record.perSecond)} (target ≥ 300) ${record.perSecond >= 300 ? "✅" : "❌"}`,
  `peak RSS of the bot process: ${record.peakRssMb} MB (target ≤ 250 MB) ${record.peakRssMb <= 250 ? "✅" : "❌"}`,
  `p99 through the platforms vs the simulator path: WeCom ${f(wecom.p99)} ms (${(wecom.p99 / record.p99).toFixed(2)}×), DingTalk ${f(dingtalk.p99)} ms (${(dingtalk.p99 / record.p99).toFixed(2)}×)`,
];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const section = [
  `## ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — burst of ${CHATS * PER_CHAT} messages from ${CHATS} chats`,
  "",
  `Machine: ${machine}. Bot: one process (\`npm start\` build and flags), ROLE=all, default concurrency; load generator in a separate process on loopback; ${WARM_UP} warm-up messages, then ${ROUNDS} bursts per run; the table shows the median burst by throughput, and the peak RSS over the whole run.`,
  "",
  "| run | replies ok | p50 ms | p95 ms | p99 ms | messages/s | peak RSS MB |",
  "|---|---|---|---|---|---|---|",
  ...rows,
  "",
  ...verdict.map((v) => `- ${v}`),
  "",
].join("\n");
console.log(section);

const file = fileURLToPath(new URL("../../bench/RESULTS.md", import.meta.url));
let previous = "";
try {
  previous = readFileSync(file, "utf8").replace(/^# .*\n+(?:.*\n)*?(?=## )/, "");
} catch {
  /* first run */
}
const HEADER = `# Benchmark results

Newest first. Run with \`npm run bench\`; figures drift on shared machines (the same build measured
229–340 records/s across runs an hour apart), so compare each run with its same-run echo baseline.

What moved the numbers on /记录 (2026-11-23, same machine): 100/s with Prisma model queries in an
interactive transaction (~12 ms of bot CPU per message) → 160/s with the message context in one
query → 230/s with the record written as one idempotent statement (no interactive transaction:
Prisma's costs ~2 ms of CPU) → ~300/s with the two hot statements as pg prepared statements on
Prisma's own pool. Peak RSS: 380 MB under tsx → 250 MB compiled → ~240 MB with
--max-semi-space-size=4 --max-old-space-size=160 (live heap after a full GC stays ~40 MB).
`;
writeFileSync(file, `${HEADER}\n${section}\n${previous}`);
process.exit(0);
