/**
 * Every kind of signed link, opened at every other kind's route of the running server: refused
 * (403) before anything is loaded, never a 500. Tokens are real links of a real community.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { LINK_KINDS, type LinkKind, type LinkPayload, signLink } from "../core/links/index.ts";
import { boundGroup, startTestApp, TEST_NOW } from "./support/harness.ts";

const SECRET = "k".repeat(40);
let app: App;
beforeAll(async () => {
  app = await startTestApp({ FORM_SECRET: SECRET });
});
afterAll(async () => app?.close());

describe("a link opens only at its own route", () => {
  it("each pair of kinds is refused with 403", async () => {
    const g = await boundGroup(app);
    const formUrl = /https?:\/\/\S+\/f\/[A-Za-z0-9_.-]+/.exec(await g.says("/表单"))?.[0] ?? "";
    expect(formUrl).not.toBe("");
    const exp = TEST_NOW.getTime() + 3_600_000;
    const signing = { baseUrl: app.url, secret: SECRET };
    const made: { [K in LinkKind]: string } = {
      f: formUrl,
      d: signLink(signing, { l: "d", w: "ledger", c: 1, m: 1, f: "2026-09-01", t: "2027-01-20", exp }),
      c: signLink(signing, { l: "c", w: "chart", c: 1, exp } satisfies LinkPayload),
      p: signLink(signing, { l: "p", c: 1, f: "a.jpg", exp }),
      i: signLink(signing, { l: "i", c: 1, m: 1, p: "sim", ch: "chat-1", t: "group", u: "u1", n: "张三", j: "j1", exp }),
      my: signLink(signing, { l: "my", w: "mydata", pl: "sim", u: "u1", exp }),
    };
    // All at once: thirty-odd requests in a row outlast a loaded machine's test timeout.
    const pairs = LINK_KINDS.flatMap((kind) => LINK_KINDS.filter((r) => r !== kind).map((route) => ({ kind, route, token: made[kind].split(`/${kind}/`)[1] ?? "" })));
    const answers = await Promise.all(
      pairs.map(async ({ kind, route, token }) => {
        const got = [{ what: `/${kind} link at /${route}`, status: (await fetch(`${app.url}/${route}/${token}`)).status }];
        if (route === "f" || route === "i")
          got.push({ what: `/${kind} link posted at /${route}`, status: (await fetch(`${app.url}/${route}/${token}`, { method: "POST", body: new FormData() })).status });
        return got;
      }),
    );
    for (const { what, status } of answers.flat()) expect(status, what).toBe(403);
    // The form link itself still opens where it belongs.
    expect((await fetch(formUrl)).status).toBe(200);
  });
});
