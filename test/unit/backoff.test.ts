/** The Stream reconnect delay: exponential from the initial delay, capped, jittered within the upper half. */
import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../bot/dingtalk/stream-client.ts";

describe("backoffDelay", () => {
  const b = { initialMs: 1000, maxMs: 60_000 };
  it("doubles per attempt up to the cap", () => {
    expect([0, 1, 2, 3, 5, 6, 7, 50].map((a) => backoffDelay(b, a, () => 1))).toEqual([1000, 2000, 4000, 8000, 32_000, 60_000, 60_000, 60_000]);
  });
  it("jitters between half and all of the ceiling, never below half", () => {
    expect(backoffDelay(b, 0, () => 0)).toBe(500);
    expect(backoffDelay(b, 10, () => 0)).toBe(30_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(b, 3)));
    expect(spread.size).toBeGreaterThan(5);
    for (const d of spread) expect(d).toBeGreaterThanOrEqual(4000);
  });
});
