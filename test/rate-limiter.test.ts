/** The per-robot limiter on real Redis: it waits a little longer than the platform's window. */
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RateLimiter, windowWithMargin } from "../bot/rate-limiter.ts";
import { unique } from "./support/env.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
afterAll(async () => redis.quit());

describe("robot rate limiter", () => {
  it("lets `limit` sends through, then holds the next past the platform's window plus a margin", async () => {
    const limiter = new RateLimiter(redis, unique("rl"), { limit: 3, windowMs: 1500 });
    const started = Date.now();
    expect([await limiter.take("robot"), await limiter.take("robot"), await limiter.take("robot")]).toEqual([0, 0, 0]);
    const wait = await limiter.take("robot");
    // A send that arrives late at the platform must still fall outside its 1.5 s window.
    expect(wait + (Date.now() - started)).toBeGreaterThanOrEqual(1500 + 300);
    expect(await limiter.take("another robot")).toBe(0);
  });

  it("books slots ahead: `limit` now, the next `limit` one window later, and so on; a block moves them past its end", async () => {
    const limiter = new RateLimiter(redis, unique("rv"), { limit: 3, windowMs: 1500 });
    const waits = [];
    for (let i = 0; i < 7; i++) waits.push(await limiter.reserve("push"));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    // 1.5 s plus the 300 ms margin after the first three; the seventh a window after the 4th–6th.
    for (const w of waits.slice(3, 6)) expect(w).toBeGreaterThanOrEqual(1790);
    for (const w of waits.slice(3, 6)) expect(w).toBeLessThanOrEqual(1800);
    expect(waits[6]).toBeGreaterThanOrEqual(3590);
    // A booked slot is never handed out twice: take() sees the window full.
    expect(await limiter.take("push")).toBeGreaterThan(0);
    const blocked = new RateLimiter(redis, unique("rvb"), { limit: 3, windowMs: 1500 });
    await blocked.block("push", 5000);
    expect(await blocked.reserve("push")).toBeGreaterThan(4900);
  });

  it("keeps the margin between 300 ms and 3 s", () => {
    expect(windowWithMargin(1500)).toBe(1800);
    expect(windowWithMargin(60_000)).toBe(63_000);
    expect(windowWithMargin(600_000)).toBe(603_000);
  });
});
