/**
 * One row of the fault table: start the bot against private PostgreSQL/Redis, fire a burst of
 * /记录 messages, inject one fault at 30 %, redeliver whatever is unanswered, then count: records
 * in the database, distinct source messages, replies delivered per message, apologies, notices.
 */
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { BotProcess, waitHealthy } from "./bot-process.ts";
import { burst, post, type Message } from "./load.ts";
import { freePort, type PrivatePostgres, type PrivateRedis } from "./services.ts";

/** "pg-sigterm": PostgreSQL stopped, then the bot asked to stop while messages wait; both back later. */
export type Fault = "sigterm" | "redis" | "sigkill" | "pg" | "sigkill-worker" | "pg-sigterm";

export interface ScenarioOptions {
  fault: Fault;
  messages: number;
  concurrency?: number;
  /** For "pg": how long PostgreSQL stays down. */
  downMs?: number;
  env?: Record<string, string>;
  services: { pg: PrivatePostgres; redis: PrivateRedis };
}

export interface ScenarioResult {
  fault: Fault;
  messages: number;
  recorded: number;
  distinctRecorded: number;
  /** Messages whose final reply ("已记录 #n") was delivered, by the delivery log or the client. */
  answered: number;
  /** Messages whose final reply was delivered more than once (by the delivery log). */
  repliedTwice: number;
  /** Delivery times of those, in ms relative to the fault (for diagnosis). */
  twiceAt: number[][];
  apologies: number;
  notices: number;
  /** For crashes: from the new process's spawn to the last message in flight at the crash answered. */
  inFlightAnsweredAfterRestartMs?: number;
  /** The same from the moment the new process answers /healthz (the boot taken out); with two workers, from the kill. */
  inFlightAnsweredAfterReadyMs?: number;
  redeliveries: number;
  /** For "pg-sigterm": how long the bot took to exit after SIGTERM. */
  exitMs?: number;
  rawStderrLines: string[];
  durationMs: number;
  /**
   * Reply jobs that started more than once (a crash or stall while sending): the upper bound of
   * replies a real platform could show twice (the simulator shows each once, as a callback would).
   */
  repliesRunTwice: number;
  /** Each bot process's output (warn level and above), for diagnosis. */
  logs: string[];
}

const FINAL = /已记录 #\d+/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const tag = randomUUID().slice(0, 8);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: o.services.pg.url(`jl_${o.fault.replace("-", "_")}_${tag}`),
    REDIS_URL: o.services.redis.url,
    QUEUE_PREFIX: `f${tag}`,
    SIMULATOR: "true",
    PORT: String(port),
    RATE_LIMIT_PER_SENDER: "100000",
    RATE_LIMIT_PER_CHAT: "100000",
    DB_POOL_SIZE: "10",
    ...o.env,
  };
  const split = o.fault === "sigkill-worker";
  const procs: BotProcess[] = [];
  const spawnBot = (extra: Record<string, string> = {}) => {
    const p = BotProcess.spawn({ ...env, ...extra });
    procs.push(p);
    return p;
  };
  let main = spawnBot(split ? { ROLE: "gateway" } : {});
  // Few slots per worker, so both hold messages when one is killed (20 are in flight).
  const workerEnv = { ROLE: "worker", PORT: "0", INBOUND_CONCURRENCY: "4" };
  const workers = split ? [spawnBot(workerEnv), spawnBot(workerEnv)] : [];
  const t0 = Date.now();
  try {
    await waitHealthy(url).catch((e: Error) => {
      throw new Error(`${e.message}\n${procs.map((p) => p.logs().slice(-2000)).join("\n---\n")}`);
    });
    if (split) await waitForWorkers(env.REDIS_URL, env.QUEUE_PREFIX, 2);
    const concurrency = o.concurrency ?? 20;
    const chats = Array.from({ length: concurrency }, (_, i) => ({ chatId: `fc-${tag}-${i}`, userId: `fu-${tag}-${i}` }));
    await Promise.all(
      chats.map(async (c, i) => {
        await post(url, { ...c, text: `/绑定 故障共同体${tag}-${i}` });
        await post(url, { ...c, text: "/学校 添加 清涧县第二小学 核心 二小" });
      }),
    );
    const messages: Message[] = Array.from({ length: o.messages }, (_, i) => ({
      index: i,
      ...chats[i % concurrency]!,
      messageId: `fm-${tag}-${i}`,
      text: `/记录 示范课 11月${(i % 20) + 1}日 二小 语文`,
      deliveries: 0,
    }));

    let restartAt: number | undefined;
    let readyAt: number | undefined;
    const whenReady = () => {
      restartAt = Date.now();
      readyAt = undefined;
      void waitHealthy(url).then(
        () => (readyAt = Date.now()),
        () => undefined,
      );
    };
    let inFlight: Message[] = [];
    let faultDone: Promise<void> = Promise.resolve();
    let faultAt: number | undefined;
    let exitMs: number | undefined;
    const inject = async () => {
      faultAt = Date.now();
      inFlight = messages.filter((m) => m.firstSentAt !== undefined && m.answeredAt === undefined);
      if (o.fault === "sigterm" || o.fault === "sigkill") {
        await main.kill(o.fault === "sigterm" ? "SIGTERM" : "SIGKILL");
        whenReady();
        main = spawnBot();
      } else if (o.fault === "sigkill-worker") {
        await workers[0]!.kill("SIGKILL");
        restartAt = readyAt = Date.now();
      } else if (o.fault === "pg-sigterm") {
        o.services.pg.stop("fast");
        await sleep(3_000);
        // What the stop interrupts: the messages waiting for PostgreSQL now.
        inFlight = messages.filter((m) => m.firstSentAt !== undefined && m.answeredAt === undefined);
        const asked = Date.now();
        await main.kill("SIGTERM");
        exitMs = Date.now() - asked;
        await sleep(2_000);
        o.services.pg.start();
        whenReady();
        main = spawnBot();
      } else if (o.fault === "redis") {
        await o.services.redis.kill();
        await sleep(2_000);
        await o.services.redis.start();
      } else {
        o.services.pg.stop("fast");
        await sleep(o.downMs ?? 30_000);
        o.services.pg.start();
      }
    };
    const at = Math.floor(o.messages * 0.3);
    const deadline = Date.now() + (o.downMs ?? 0) + 300_000;
    await burst(
      () => url,
      messages,
      concurrency,
      deadline,
      (sent) => {
        if (sent === at) faultDone = inject();
      },
    );
    await faultDone;
    await sleep(1_500); // any late second delivery would show up in the log meanwhile

    const log = await deliveryLog(
      url,
      chats.map((c) => c.chatId),
    );
    const finals = new Map<string, number[]>();
    let apologies = 0;
    let notices = 0;
    for (const d of log) {
      const text = d.replies.map((r) => r.text).join("\n");
      if (text.includes("抱歉")) apologies++;
      if (text.includes("已收到，系统恢复后自动记录")) notices++;
      if (FINAL.test(text)) finals.set(d.messageId, [...(finals.get(d.messageId) ?? []), Date.parse(d.at)]);
    }
    const answered = messages.filter((m) => finals.has(m.messageId) || FINAL.test(m.answer ?? "")).length;
    apologies += messages.filter((m) => (m.answer ?? "").includes("抱歉")).length;
    const answeredAt = (m: Message) => Math.min(...(finals.get(m.messageId) ?? []), m.answeredAt ?? Infinity);
    if (process.env.FAULT_DEBUG && restartAt) {
      console.log(`restartAt ${restartAt} faultAt ${faultAt}`);
      for (const m of inFlight)
        console.log(`in flight ${m.messageId}: log ${(finals.get(m.messageId) ?? []).map((t) => t - restartAt!)} client ${(m.answeredAt ?? NaN) - restartAt} deliveries ${m.deliveries}`);
    }
    const db = await countRecords(env.DATABASE_URL);
    const repliesRunTwice = await rerunReplies(env.REDIS_URL, env.QUEUE_PREFIX);
    return {
      fault: o.fault,
      messages: o.messages,
      ...db,
      answered,
      repliedTwice: [...finals.values()].filter((times) => times.length > 1).length,
      twiceAt: [...finals.values()]
        .filter((times) => times.length > 1)
        .slice(0, 5)
        .map((times) => times.map((t) => t - (faultAt ?? t0))),
      apologies,
      notices,
      inFlightAnsweredAfterRestartMs: restartAt && inFlight.length ? Math.max(...inFlight.map((m) => answeredAt(m) - restartAt!)) : undefined,
      inFlightAnsweredAfterReadyMs: readyAt && inFlight.length ? Math.max(...inFlight.map((m) => answeredAt(m) - readyAt!)) : undefined,
      redeliveries: messages.reduce((n, m) => n + m.deliveries - 1, 0),
      exitMs,
      rawStderrLines: procs.flatMap((p) => p.rawLines()),
      durationMs: Date.now() - t0,
      logs: procs.map((p) => p.logs()),
      repliesRunTwice,
    };
  } finally {
    await Promise.all(procs.map((p) => p.kill("SIGTERM")));
  }
}

async function deliveryLog(url: string, chatIds: string[]) {
  const all = await Promise.all(
    chatIds.map(async (chatId) => {
      const res = await fetch(`${url}/sim/replies?chatId=${encodeURIComponent(chatId)}`);
      return ((await res.json()) as { deliveries: { messageId: string; replies: { text: string }[]; at: string }[] }).deliveries;
    }),
  );
  return all.flat();
}

async function countRecords(databaseUrl: string): Promise<{ recorded: number; distinctRecorded: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number; d: number }>(`SELECT count(*)::int AS n, count(DISTINCT "sourceMessageKey")::int AS d FROM "Activity"`);
    return { recorded: rows[0]!.n, distinctRecorded: rows[0]!.d };
  } finally {
    await client.end();
  }
}

async function rerunReplies(redisUrl: string, prefix: string): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue("outbound", { connection, prefix });
  try {
    const jobs = await queue.getJobs(["completed", "failed"], 0, -1);
    return jobs.filter((j) => j.id?.startsWith("reply-") && j.attemptsStarted > 1).length;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

async function waitForWorkers(redisUrl: string, prefix: string, n: number): Promise<void> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue("inbound", { connection, prefix });
  try {
    for (let i = 0; i < 300 && (await queue.getWorkers()).length < n; i++) await sleep(100);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
