/**
 * Signed links: every kind's token opens only at its own route (each pair refused), payloads
 * are checked by their schema, and a route typed for one kind cannot be handed another's.
 */
import { describe, expect, it } from "vitest";
import { type DownloadLinkPayload, LINK_KINDS, type LinkKind, type LinkPayload, signLink, verifyLink } from "../../core/links/index.ts";
import { signToken } from "../../core/signed-token.ts";

const signing = { baseUrl: "https://bot.example.edu.cn", secret: "s3cret" };
const now = new Date("2026-11-22T08:00:00Z");
const exp = now.getTime() + 3_600_000;

const samples: { [K in LinkKind]: Extract<LinkPayload, { l: K }> } = {
  f: { l: "f", c: 1, m: 2, p: "wecom", ch: "chat-1", t: "group", u: "zhangsan", n: "张三", cmd: "记录", j: "b9a6", exp },
  d: { l: "d", w: "ledger", c: 1, m: 2, f: "2026-09-01", t: "2027-01-20", exp },
  c: { l: "c", w: "chart", c: 1, m: 2, exp },
  p: { l: "p", c: 1, fs: ["a.jpg", "b.jpg"], exp },
  i: { l: "i", c: 1, m: 2, p: "dingtalk", ch: "cid1", t: "direct", u: "u1", n: "李四", j: "c7d1", exp },
  my: { l: "my", w: "mydata", pl: "wecom", u: "zhangsan", exp },
};

const tokenOf = (url: string, kind: LinkKind) => {
  const [, token] = url.split(`/${kind}/`);
  return token ?? "";
};

describe("each kind opens at its own route only", () => {
  for (const signed of LINK_KINDS) {
    const url = signLink(signing, samples[signed]);
    it(`/${signed} link points at /${signed}/`, () => expect(url.startsWith(`${signing.baseUrl}/${signed}/`)).toBe(true));
    for (const route of LINK_KINDS) {
      const check = verifyLink(signing.secret, tokenOf(url, signed), now, route);
      if (route === signed) it(`/${signed} at /${route}: opens`, () => expect(check).toEqual({ ok: true, payload: samples[signed] }));
      else it(`/${signed} at /${route}: refused`, () => expect(check).toEqual({ ok: false, reason: "wrong-kind" }));
    }
  }
});

describe("tokens signed before links carried their kind", () => {
  const legacy: { [K in LinkKind]: Record<string, unknown> & { exp: number } } = {
    f: { c: 1, m: 2, p: "dingtalk", ch: "cid1", t: "direct", u: "u1", n: "李四", cmd: "记录", k: "示范课", j: "x1", exp },
    d: { w: "district", d: 3, a: 4, f: "2026-09-01", t: "2027-01-20", exp },
    c: { w: "chart", c: 1, exp },
    p: { c: 1, f: "a.jpg", exp },
    i: { c: 1, m: 2, p: "wecom", ch: "chat-1", t: "direct", u: "zhangsan", n: "张三", cmd: "导入", j: "y2", exp },
    my: { w: "mydata", pl: "dingtalk", u: "u1", exp },
  };
  for (const signed of LINK_KINDS)
    for (const route of LINK_KINDS) {
      it(`old /${signed} at /${route}: ${signed === route ? "opens" : "refused"}`, () => {
        const check = verifyLink(signing.secret, signToken(signing.secret, legacy[signed]), now, route);
        expect(check.ok).toBe(signed === route);
      });
    }
});

describe("refusals", () => {
  const token = tokenOf(signLink(signing, samples.d), "d");
  it("expired", () => expect(verifyLink(signing.secret, token, new Date(exp + 1), "d")).toEqual({ ok: false, reason: "expired" }));
  it("another key", () => expect(verifyLink("other", token, now, "d")).toEqual({ ok: false, reason: "tampered" }));
  it("a payload off its schema, though signed (an extra key, a bad date, no kind)", () => {
    for (const bad of [
      { ...samples.d, x: 1 },
      { ...samples.d, f: "2026-9-1" },
      { c: 1, exp },
      { l: "q", c: 1, exp },
      { l: "p", c: 1, f: "a.jpg", fs: ["b.jpg"], exp },
      { l: "p", c: 1, fs: ["1", "2", "3", "4", "5", "6"], exp },
    ])
      expect(verifyLink(signing.secret, signToken(signing.secret, bad), now, bad.l === "p" ? "p" : "d")).toEqual({ ok: false, reason: "tampered" });
  });
});

describe("by construction", () => {
  const openDownload = (payload: DownloadLinkPayload) => payload.w;
  it("a route typed for one kind does not take another's payload", () => {
    const check = verifyLink(signing.secret, tokenOf(signLink(signing, samples.f), "f"), now, "f");
    if (!check.ok) throw new Error("expected the form link to open");
    // @ts-expect-error a form link's payload is not a download's
    expect(() => openDownload(check.payload)).not.toThrow();
    const download = verifyLink(signing.secret, tokenOf(signLink(signing, samples.d), "d"), now, "d");
    expect(download.ok && openDownload(download.payload)).toBe("ledger");
  });
});
