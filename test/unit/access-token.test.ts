/** Platform access tokens: cached, refreshed before they expire, one fetch for concurrent callers. */
import { describe, expect, it } from "vitest";
import { AccessToken } from "../../bot/access-token.ts";

describe("AccessToken", () => {
  it("refreshes five minutes before expiry, not after", async () => {
    let now = 0;
    let fetches = 0;
    const token = new AccessToken(
      async () => ({ token: `t${++fetches}`, expiresInS: 7200 }),
      () => now,
    );
    expect(await token.get()).toBe("t1");
    now = (7200 - 301) * 1000;
    expect(await token.get()).toBe("t1");
    now = (7200 - 299) * 1000;
    expect(await token.get()).toBe("t2");
  });

  it("shares one fetch among concurrent callers and fetches again after invalidate()", async () => {
    let fetches = 0;
    const token = new AccessToken(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return { token: `t${++fetches}`, expiresInS: 7200 };
    });
    expect(await Promise.all([token.get(), token.get(), token.get()])).toEqual(["t1", "t1", "t1"]);
    token.invalidate();
    expect(await token.get()).toBe("t2");
  });

  it("does not cache a failed fetch", async () => {
    let calls = 0;
    const token = new AccessToken(async () => {
      if (++calls === 1) throw new Error("network");
      return { token: "ok", expiresInS: 60 };
    });
    await expect(token.get()).rejects.toThrow("network");
    expect(await token.get()).toBe("ok");
  });
});
