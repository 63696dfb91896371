/**
 * Crash recovery without waiting for the lock (workers/reclaim.ts): a worker process that died is
 * recognised by its Redis connection closing, and its active jobs go back to the queue within
 * seconds even with a 60 s lock. A worker that is alive but late with its heartbeat keeps its job.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createLogger } from "../config/logger.ts";
import type { InboundMessage } from "../messages/messages.ts";
import { WorkerManager } from "../workers/worker-manager.ts";
import { useCleanup } from "./support/cleanup.ts";
import { testEnv, testPrefix, unique } from "./support/env.ts";
import { boundGroup, get, post } from "./support/harness.ts";
import { spawnBot, waitFor, type BotProcess } from "./support/process.ts";

const { app, defer } = useCleanup();
const LONG_LOCK = { JOB_LOCK_MS: "60000", STALLED_INTERVAL_MS: "30000" };
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function bot(env: ReturnType<typeof testEnv>, overrides: Record<string, string>): BotProcess {
  const p = spawnBot(env, overrides);
  defer(() => p.stop());
  return p;
}

describe("a worker process killed mid-job, with a 60 s lock", () => {
  it("a live peer (here the gateway) puts the job back within seconds; the next worker answers it once", async () => {
    const env = testEnv(LONG_LOCK);
    const gw = await app({ QUEUE_PREFIX: env.QUEUE_PREFIX, ROLE: "gateway", ...LONG_LOCK });
    const setup = bot(env, { ROLE: "worker" });
    await waitFor(async () => (await gw.producers.inbound.queue.getWorkers()).length >= 1, 30_000);
    const g = await boundGroup(gw);
    await setup.stop();

    const crashing = bot(env, { ROLE: "worker", FAULT_CRASH_AFTER_COMMIT: "true" });
    const messageId = unique("m");
    const pending = post(gw, "/sim/messages", { chatId: g.chatId, userId: g.userId, userName: g.userName, text: "/记录 示范课 昨天 二小", messageId });
    expect(await crashing.exited).toBe(137);
    const died = Date.now();
    const job = await waitFor(async () => (await gw.producers.inbound.queue.getJobs(["active", "wait", "prioritized"])).find((j) => j.data.messageId === messageId));
    // Without the reclaim the job would stay active (locked by the dead worker) for 60 s.
    // Back in the queue: "prioritized", as the gateway queued it with a priority (fair queueing).
    await waitFor(async () => ["waiting", "prioritized"].includes(await job.getState()), 15_000);
    expect(Date.now() - died).toBeLessThan(10_000);

    bot(env, { ROLE: "worker" });
    await pending;
    type Deliveries = { deliveries: { messageId: string; replies: { text: string }[] }[] };
    const mine = async () => (await get<Deliveries>(gw, `/sim/replies?chatId=${g.chatId}`)).body.deliveries.filter((x) => x.messageId === messageId);
    const deliveries = await waitFor(async () => {
      const d = await mine();
      return d.length > 0 && d;
    });
    expect(deliveries[0]?.replies[0]?.text).toMatch(/已记录 #1/);
    await new Promise((r) => setTimeout(r, 1500)); // time for any second delivery to show up
    expect(await mine()).toHaveLength(1);
    expect(await g.activities()).toHaveLength(1);
  }, 60_000);
});

describe("which processes count as dead", () => {
  const message = (id: string): InboundMessage => ({
    platform: "sim",
    chatId: "c",
    chatType: "group",
    senderId: "u",
    senderName: "",
    text: "x",
    messageId: id,
    mentioned: false,
    receivedAt: new Date().toISOString(),
  });

  it("a late heartbeat with the connection open is not death; a closed connection is", async () => {
    const prefix = testPrefix();
    const log = createLogger("silent");
    const conn = () => {
      const r = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      defer(async () => r.disconnect());
      return r;
    };
    const queue = new Queue("inbound", { connection: conn(), prefix });
    defer(() => queue.close());
    const opts = { prefix, concurrency: 1, lockDuration: 60_000, stalledInterval: 30_000, log };

    // A: takes the job and holds it; its heartbeat lapses after 300 ms and is never renewed.
    const aConn = conn();
    const a = new WorkerManager({ ...opts, connection: aConn, reclaim: { sweepMs: 600_000, aliveMs: 300 } });
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const ranBy: string[] = [];
    a.register("inbound", async () => {
      ranBy.push("a");
      await held;
      return { replies: [], duplicate: false };
    });
    defer(() => a.closeAll(true));
    await queue.add("inbound", message("m1"), { jobId: "m1" });
    await waitFor(async () => ranBy.length > 0);

    // B: a peer sweeping every 100 ms.
    const b = new WorkerManager({ ...opts, connection: conn(), reclaim: { sweepMs: 100, aliveMs: 3_000 } });
    b.register("inbound", async () => {
      ranBy.push("b");
      return { replies: [], duplicate: false };
    });
    defer(() => b.closeAll());
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await queue.getJobState("m1")).toBe("active"); // A is alive: its connection is open
    expect(ranBy).toEqual(["a"]);

    // A's connection closes as a killed process's would: B runs the job at once.
    aConn.disconnect();
    const started = Date.now();
    await waitFor(async () => ranBy.includes("b"), 10_000, 50);
    expect(Date.now() - started).toBeLessThan(3_000);
    release();
  }, 30_000);
});
