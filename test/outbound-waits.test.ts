/**
 * Pushes that wait their turn (real Redis, BullMQ and the WorkerManager the app uses). A push
 * books its slot of the push budget and sleeps until then, once. A push that waits many times
 * (a throttling platform) is still sent: BullMQ counts every start of a job, also the ones after
 * it moved itself to "delayed"; with the crash-loop guard (maxStartedAttempts) on those starts,
 * pushes behind a long fan-out failed as "job started more than allowable limit" and were never
 * sent (found by bench/province.ts: 19 of 390 digest parts lost without any fault). Crash loops
 * are still stopped: starts that were not waits still count.
 */
import { Queue, type Job } from "bullmq";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import type { PlatformAdapter } from "../bot/adapter.ts";
import { ThrottledError } from "../bot/delivery.ts";
import { RateLimiter } from "../bot/rate-limiter.ts";
import type { Logger } from "../config/logger.ts";
import { createRedis } from "../config/redis.ts";
import type { OutboundMessage } from "../messages/messages.ts";
import { SCHEDULED_PUSH } from "../messages/producers.ts";
import { outboundProcessor } from "../workers/outbound.ts";
import { MAX_STARTS, WorkerManager } from "../workers/worker-manager.ts";
import { testPrefix } from "./support/env.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const conn = createRedis({ kind: "standalone", url });
const log = pino({ level: "silent" }) as unknown as Logger;
afterAll(async () => conn.quit());

function manager(prefix: string) {
  return new WorkerManager({ connection: createRedis({ kind: "standalone", url }), prefix, concurrency: 8, lockDuration: 30_000, stalledInterval: 30_000, log });
}

async function settle(queue: Queue, total: number, timeoutMs: number): Promise<{ completed: number; failed: Job[] }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts("completed", "failed");
    if ((counts.completed ?? 0) + (counts.failed ?? 0) >= total || Date.now() > until) return { completed: counts.completed ?? 0, failed: await queue.getFailed() };
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("outbound jobs that wait their turn", () => {
  it("book their push-budget slot once and sleep until it: each push starts at most twice, and the sends keep to the budget", async () => {
    const prefix = testPrefix("booked");
    const queue = new Queue("outbound", { connection: conn, prefix });
    const sentAt: number[] = [];
    const adapter = { plan: () => [{ send: async () => void sentAt.push(Date.now()) }] } as unknown as PlatformAdapter;
    // Two pushes per 320 ms (the 20 ms window plus the limiter's 300 ms margin): 24 take ~3.5 s.
    const budget = new RateLimiter(conn, prefix, { limit: 2, windowMs: 20 });
    const limiter = new RateLimiter(conn, prefix, { limit: 100, windowMs: 60_000 });
    const workers = manager(prefix);
    const total = 24;
    for (let i = 0; i < total; i++) await queue.add("outbound", { platform: "sim", chatId: `u${i}`, chatType: "direct", replies: [{ text: `周报${i}` }] }, { ...SCHEDULED_PUSH, jobId: `push-${i}` });
    workers.register("outbound", outboundProcessor(new Map([["sim", adapter]]), limiter, undefined, budget), 8, { countsOwnStarts: true });
    try {
      const { completed, failed } = await settle(queue, total, 30_000);
      expect(failed.map((j) => j.failedReason)).toEqual([]);
      expect(completed).toBe(total);
      // Asking again until a slot is free (the old way) starts a waiting push once per window.
      const starts = (await queue.getCompleted(0, total)).map((j) => j.attemptsStarted);
      expect(Math.max(...starts)).toBeLessThanOrEqual(2);
      // Slots are 320 ms apart in pairs; a send may leave a little after its slot (a busy event
      // loop), never before, so two sends apart still have most of a window between them.
      sentAt.sort((a, b) => a - b);
      for (let i = 2; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 2]!).toBeGreaterThanOrEqual(250);
      expect(sentAt.at(-1)! - sentAt[0]!).toBeGreaterThanOrEqual(11 * 320 - 50);
    } finally {
      await workers.closeAll();
      await queue.close();
    }
  }, 40_000);

  it(`are sent after more than ${MAX_STARTS} waits (the platform throttling them), none failed`, async () => {
    const prefix = testPrefix("waits");
    const queue = new Queue("outbound", { connection: conn, prefix });
    const sent: string[] = [];
    let refusals = 0;
    // The platform answers "too many" 30 times, a few ms each, before it takes the push.
    const adapter = {
      plan: (m: OutboundMessage) => [
        {
          send: async () => {
            if (++refusals <= MAX_STARTS + 5) throw new ThrottledError(5, "QpsLimit");
            sent.push(m.chatId);
          },
        },
      ],
    } as unknown as PlatformAdapter;
    const budget = new RateLimiter(conn, prefix, { limit: 100, windowMs: 1000 });
    const limiter = new RateLimiter(conn, prefix, { limit: 100, windowMs: 60_000 });
    const workers = manager(prefix);
    await queue.add("outbound", { platform: "sim", chatId: "u", chatType: "direct", replies: [{ text: "周报" }] }, { ...SCHEDULED_PUSH, jobId: "push-throttled" });
    workers.register("outbound", outboundProcessor(new Map([["sim", adapter]]), limiter, undefined, budget), 8, { countsOwnStarts: true });
    try {
      const { completed, failed } = await settle(queue, 1, 30_000);
      expect(failed.map((j) => j.failedReason)).toEqual([]);
      expect(completed).toBe(1);
      expect(sent).toEqual(["u"]);
      // The point of the test: the push really did wait more often than the guard allows.
      expect((await queue.getJob("push-throttled"))!.attemptsStarted).toBeGreaterThan(MAX_STARTS);
    } finally {
      await workers.closeAll();
      await queue.close();
    }
  }, 40_000);

  it("each organisation has a budget of its own: a fan-out in one never holds another's pushes", async () => {
    const prefix = testPrefix("orgbudget");
    const queue = new Queue("outbound", { connection: conn, prefix });
    const sent: string[] = [];
    const adapter = { plan: (m: OutboundMessage) => [{ send: async () => void sent.push(m.chatId) }] } as unknown as PlatformAdapter;
    const budget = new RateLimiter(conn, prefix, { limit: 1, windowMs: 60_000 });
    const limiter = new RateLimiter(conn, prefix, { limit: 100, windowMs: 60_000 });
    const workers = manager(prefix);
    for (const chatId of ["wrg1", "wrg2", "yanan~wrg1", "yanan~wrg2"])
      await queue.add("outbound", { platform: "sim", chatId, chatType: "group", replies: [{ text: "周报" }] }, { ...SCHEDULED_PUSH, jobId: `push-${chatId}` });
    workers.register("outbound", outboundProcessor(new Map([["sim", adapter]]), limiter, undefined, budget), 8, { countsOwnStarts: true });
    try {
      const until = Date.now() + 10_000;
      while (sent.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      // One push a minute per organisation: the first of each goes now, the second waits.
      expect(sent.map((id) => id.split("~").length).sort()).toEqual([1, 2]);
      expect(await queue.getDelayedCount()).toBe(2);
    } finally {
      await workers.closeAll();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it("still fail once started too often without waiting (a message that crashes its process each time)", async () => {
    const prefix = testPrefix("crashloop");
    const queue = new Queue("outbound", { connection: conn, prefix });
    const adapter = { plan: () => [{ send: async () => undefined }] } as unknown as PlatformAdapter;
    const limiter = new RateLimiter(conn, prefix, { limit: 100, windowMs: 60_000 });
    const run = outboundProcessor(new Map([["sim", adapter]]), limiter);
    await queue.add("outbound", { platform: "sim", chatId: "u", chatType: "direct", replies: [{ text: "x" }] }, { jobId: "looping" });
    const job = (await queue.getJob("looping"))!;
    // As a job reclaimed after each of MAX_STARTS + 1 crashes looks when it starts again.
    job.attemptsStarted = MAX_STARTS + 1;
    await expect(run(job.data as OutboundMessage, job)).rejects.toThrow(/started 26 times, 0 of them after waiting/);
    job.attemptsStarted = MAX_STARTS + 1;
    job.progress = { sent: 0, waits: 5 };
    await expect(run(job.data as OutboundMessage, job)).resolves.toBeUndefined();
    await queue.close();
  });
});
