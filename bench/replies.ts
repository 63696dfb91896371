/**
 * `npx tsx bench/replies.ts`: do replies wait behind the Monday fan-out? One outbound queue on the
 * real Redis (a unique prefix, removed after), the real outbound processor (workers/outbound.ts)
 * with the default 16 sending slots and the push budget (PUSH_SENDS_PER_SECOND in one-second
 * windows, as app/app.ts wires it), and a fake platform that takes FAKE_QPS calls a second (each 20 ms), answering more
 * with a throttling error as DingTalk's OpenAPI does (403 QpsLimit: the job waits and goes again).
 *
 * The fan-out: BENCH_COMMUNITIES communities × 9 messages (principals 1:1 and groups: the issue's
 * ~27,000 for 3,000 communities), queued at once as the scheduler queues them. Meanwhile replies
 * to /记录 at 20 a second from other chats, each timed from its queueing to its send. Runs:
 * quiet (replies alone), fan-out as before (pushes unprioritized, no budget: the old behaviour),
 * fan-out with priorities and the budget, each push booking its slot once (now). The platform's real limits are per app and per
 * API and not all published; FAKE_QPS (default 200) stands for one, with the budget at 3/4 of it,
 * so that a run takes minutes, not the half hour 27,000 sends take at 15 a second.
 * Puts a section at the top of bench/RESULTS.md.
 */
import { randomUUID } from "node:crypto";
import { cpus, totalmem } from "node:os";
import { type JobsOptions, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { PlatformAdapter } from "../bot/adapter.ts";
import { ThrottledError } from "../bot/delivery.ts";
import { RateLimiter } from "../bot/rate-limiter.ts";
import type { OutboundMessage, Platform } from "../messages/messages.ts";
import { DEFAULT_JOB_OPTIONS, SCHEDULED_PUSH } from "../messages/producers.ts";
import { outboundProcessor } from "../workers/outbound.ts";
import { prependResults } from "./results.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const COMMUNITIES = Number(process.env.BENCH_COMMUNITIES ?? 3000);
const PER_COMMUNITY = 9;
const FAKE_QPS = Number(process.env.FAKE_QPS ?? 200);
const BUDGET = Math.floor((FAKE_QPS * 3) / 4);
const REPLIES_PER_SECOND = 20;
const REPLY_SECONDS = Number(process.env.REPLY_SECONDS ?? 60);
const SEND_MS = 20;
const CONCURRENCY = 16;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The platform: FAKE_QPS calls in any second, the rest refused for a second (as a QpsLimit answer says "try later"). */
class FakePlatform {
  private readonly times: number[] = [];
  sentPushes = 0;
  throttled = 0;
  readonly replyDone = new Map<string, number>();
  lastPushAt = 0;
  adapter(): PlatformAdapter {
    return {
      plan: (message: OutboundMessage) => [
        {
          send: async () => {
            await sleep(SEND_MS);
            const now = Date.now();
            while (this.times.length && this.times[0]! <= now - 1000) this.times.shift();
            if (this.times.length >= FAKE_QPS) {
              this.throttled++;
              throw new ThrottledError(1000, "QpsLimitForAppkeyAndApi");
            }
            this.times.push(now);
            if (message.replyTo) this.replyDone.set(message.replyTo, now);
            else {
              this.sentPushes++;
              this.lastPushAt = now;
            }
          },
        },
      ],
    } as unknown as PlatformAdapter;
  }
}

interface Run {
  name: string;
  p50: number;
  p99: number;
  max: number;
  replies: number;
  fanOutS: number | null;
  pushesSent: number;
  throttled: number;
  /** Commands Redis processed a second over the run (every client, this bench's alone on a quiet machine). */
  redisPerSecond: number;
}

async function redisCommands(conn: Redis): Promise<number> {
  const info = await conn.info("stats");
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function run(name: string, fanOut: boolean, priority: boolean): Promise<Run> {
  const prefix = `br${randomUUID().slice(0, 8)}`;
  const conn = new Redis(REDIS_URL, { maxRetriesPerRequest: null, enableAutoPipelining: true });
  const wconn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("outbound", { connection: conn, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS.outbound });
  const platform = new FakePlatform();
  const limiter = new RateLimiter(conn, prefix, { limit: 20, windowMs: 60_000 });
  const budget = priority ? new RateLimiter(conn, prefix, { limit: BUDGET, windowMs: 1000 }) : undefined;
  const processJob = outboundProcessor(new Map<Platform, PlatformAdapter>([["dingtalk", platform.adapter()]]), limiter, undefined, budget);
  const worker = new Worker("outbound", (job, token) => processJob(job.data as OutboundMessage, job, token), { connection: wconn, prefix, concurrency: CONCURRENCY });
  const t0 = Date.now();
  const commands0 = await redisCommands(conn);
  const total = fanOut ? COMMUNITIES * PER_COMMUNITY : 0;
  if (fanOut) {
    const opts: JobsOptions = priority ? SCHEDULED_PUSH : {};
    for (let c = 0; c < COMMUNITIES; c += 100) {
      const batch = [];
      for (let k = c; k < Math.min(COMMUNITIES, c + 100); k++)
        for (let r = 0; r < PER_COMMUNITY; r++) {
          const message: OutboundMessage = { platform: "dingtalk", chatId: `c${k}-r${r}`, chatType: "direct", replies: [{ text: `📬 周报 ${k}` }] };
          batch.push({ name: "outbound", data: message, opts: { ...opts, jobId: `push-${k}-${r}` } });
        }
      await queue.addBulk(batch);
    }
  }
  const queuedAt = new Map<string, number>();
  for (let i = 0; i < REPLIES_PER_SECOND * REPLY_SECONDS; i++) {
    const id = `m${i}`;
    const message: OutboundMessage = { platform: "dingtalk", chatId: `teacher-chat-${i % 50}`, chatType: "group", replyTo: id, replies: [{ text: "✅ 已记录" }] };
    queuedAt.set(id, Date.now());
    await queue.add("outbound", message, { jobId: `reply-${id}` });
    await sleep(1000 / REPLIES_PER_SECOND);
  }
  // Every reply delivered (or a minute's grace); then the fan-out, if it runs, to its end.
  const until = Date.now() + 60_000;
  while (platform.replyDone.size < queuedAt.size && Date.now() < until) await sleep(100);
  const fanOutUntil = Date.now() + Number(process.env.FANOUT_WAIT_S ?? 600) * 1000;
  while (fanOut && priority && platform.sentPushes < total && Date.now() < fanOutUntil) await sleep(250);
  const latencies = [...queuedAt].map(([id, at]) => (platform.replyDone.get(id) ?? Date.now()) - at);
  const redisPerSecond = Math.round(((await redisCommands(conn)) - commands0) / ((Date.now() - t0) / 1000));
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await conn.quit();
  await wconn.quit();
  return {
    name,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    max: Math.max(...latencies),
    replies: platform.replyDone.size,
    fanOutS: fanOut && platform.sentPushes >= total ? Math.round((platform.lastPushAt - t0) / 100) / 10 : null,
    pushesSent: platform.sentPushes,
    throttled: platform.throttled,
    redisPerSecond,
  };
}

const quiet = await run("quiet: replies alone", false, true);
const before = await run("fan-out, as before (no priority, no budget)", true, false);
const now = await run("fan-out, replies first (priority + push budget)", true, true);
const rows = [quiet, before, now];
const stamp = new Date().toISOString().slice(0, 16).replace("T", " ");
const lines = [
  "",
  `## ${stamp} UTC — replies during the Monday fan-out (${COMMUNITIES} communities, ${COMMUNITIES * PER_COMMUNITY} pushes)`,
  "",
  `Machine: ${cpus().length} × ${cpus()[0]?.model.split(" ")[0] ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, shared with other jobs. \`npx tsx bench/replies.ts\`: real Redis and BullMQ, the real outbound processor (${CONCURRENCY} slots), a fake platform taking ${FAKE_QPS} calls/s (${SEND_MS} ms each, more refused as throttled), push budget ${BUDGET}/s; ${REPLIES_PER_SECOND} replies/s for ${REPLY_SECONDS} s from other chats, timed from queueing to the platform's acceptance. The three runs in one process, one after the other.`,
  "",
  "| run | reply p50 ms | reply p99 ms | reply max ms | replies sent | pushes sent (while measured) | whole fan-out s | throttled answers | Redis commands/s |",
  "|---|---|---|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.name} | ${r.p50} | ${r.p99} | ${r.max} | ${r.replies} | ${r.pushesSent} | ${r.fanOutS ?? "not waited for"} | ${r.throttled} | ${r.redisPerSecond} |`),
  "",
  `- Reply p99 during the fan-out ÷ quiet: ${(now.p99 / Math.max(1, quiet.p99)).toFixed(2)}× now (target ≤ 1.5×), ${(before.p99 / Math.max(1, quiet.p99)).toFixed(1)}× before.`,
  "",
];
prependResults(new URL("./RESULTS.md", import.meta.url), lines.slice(1).join("\n"));
console.log(lines.join("\n"));
