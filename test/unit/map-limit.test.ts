import { describe, expect, it } from "vitest";
import { mapLimit } from "../../core/map-limit.ts";

describe("mapLimit", () => {
  it("keeps input order and never has more than `limit` calls in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (ms, i) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, ms * 3));
      inFlight--;
      return `${i}:${ms}`;
    });
    expect(out).toEqual(["0:5", "1:1", "2:4", "3:2", "4:3", "5:0", "6:6"]);
    expect(peak).toBe(3);
  });

  it("with `rest`, each lane rests as long as its last item took before it takes the next", async () => {
    const work = async () => new Promise((r) => setTimeout(r, 40));
    const t0 = performance.now();
    await mapLimit([1, 2, 3, 4], 2, work);
    const busy = performance.now() - t0;
    const t1 = performance.now();
    await mapLimit([1, 2, 3, 4], 2, work, { rest: 1 });
    const rested = performance.now() - t1;
    // Two lanes, two items each: 80 ms of work a lane, plus one rest of ~40 ms between them.
    expect(busy).toBeLessThan(110);
    expect(rested).toBeGreaterThanOrEqual(115);
  });

  it("an empty list gives an empty result; a failure rejects", async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
    await expect(mapLimit([1, 2], 2, async (n) => (n === 2 ? Promise.reject(new Error("boom")) : n))).rejects.toThrow("boom");
  });
});
