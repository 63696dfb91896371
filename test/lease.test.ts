/**
 * The Redis lease with fencing (bot/lease.ts) on the real Redis, and its first use: cluster-wide
 * queue gauges exported by one process only, so a sum over all processes counts each job once.
 */
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { Lease } from "../bot/lease.ts";
import { startTestApp } from "./support/harness.ts";
import { testPrefix, unique } from "./support/env.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
afterAll(() => redis.disconnect());

async function until(probe: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

describe("Lease", () => {
  it("one holder at a time; a paused holder is replaced within the ttl and fenced off when it wakes", async () => {
    const prefix = testPrefix("jt");
    const ttlMs = 900;
    const events: string[] = [];
    const a = new Lease({ redis, prefix, name: "conn", ttlMs, onAcquired: (t) => events.push(`a+${t}`), onLost: () => events.push("a-") });
    const b = new Lease({ redis, prefix, name: "conn", ttlMs, onAcquired: (t) => events.push(`b+${t}`) });
    await a.start();
    await b.start();
    try {
      expect(a.held).toBe(1);
      expect(b.held).toBe(0);
      expect(await a.fenced()).toBe(true);
      expect(await b.fenced()).toBe(false);
      // Renewals keep it: two ttls later a still holds.
      await new Promise((r) => setTimeout(r, 2 * ttlMs));
      expect(a.held).toBe(1);
      expect(b.held).toBe(0);

      a.pause(); // frozen: no renewals, no release
      const takeoverMs = await until(() => b.held > 0, 5_000);
      expect(b.held).toBe(2); // a new grant, a new fencing token
      expect(takeoverMs).toBeLessThan(ttlMs + ttlMs / 3 + 500);
      // a still believes it holds token 1; the fencing check tells it otherwise before it acts.
      expect(a.held).toBe(1);
      expect(await a.fenced()).toBe(false);
      expect(a.held).toBe(0);
      expect(events).toEqual(["a+1", "b+2", "a-"]);

      // A clean stop hands over at once, without waiting for the ttl.
      const c = new Lease({ redis, prefix, name: "conn", ttlMs: 60_000 });
      await c.start();
      expect(c.held).toBe(0);
      await b.stop();
      await c.tick();
      expect(c.held).toBe(3);
      await c.stop();
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

describe("cluster-wide gauges", () => {
  let one: App | undefined;
  let two: App | undefined;
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  const delayed = async (app: App) => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const inbound = /jiaolian_queue_jobs\{queue="inbound",state="delayed"\} (\d+)/.exec(text);
    const exporter = /jiaolian_cluster_gauges_exporter (\d)/.exec(text)?.[1];
    return { delayed: inbound ? Number(inbound[1]) : 0, exporter, text };
  };

  it("two processes of one deployment: queue depths come from one of them, and from the other once it is gone", async () => {
    const QUEUE_PREFIX = testPrefix("jt");
    one = await startTestApp({ QUEUE_PREFIX, ROLE: "gateway", METRICS_LEASE_MS: "900" });
    two = await startTestApp({ QUEUE_PREFIX, ROLE: "gateway", METRICS_LEASE_MS: "900" });
    for (let i = 0; i < 3; i++) await one.producers.inbound.queue.add("inbound", { never: "processed" }, { delay: 3_600_000, jobId: unique("d") });
    // Both apps live in this test's one process, so one registry holds both apps' sources: without
    // the lease it would read 6 here.
    const seen = await delayed(two);
    expect(seen.delayed).toBe(3);
    expect(seen.text).toMatch(/jiaolian_process_info\{process="[^"]+:\d+",role="gateway"\} 1/);

    await one.close();
    one = undefined;
    const app = two;
    const ms = await until(async () => (await delayed(app)).delayed === 3, 5_000);
    expect(ms).toBeLessThan(5_000);
    await app.producers.inbound.queue.obliterate({ force: true });
  }, 60_000);
});
