/**
 * A database outage in-process (a private PostgreSQL cluster, so the shared one is never touched):
 * a message that arrives while PostgreSQL is down waits and is recorded once it is back, with one
 * reply and no apology; /healthz and /metrics show the outage meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { PrivatePostgres } from "./faults/services.ts";
import { boundGroup, get, post, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";

let pg: PrivatePostgres;
let app: App;

beforeAll(async () => {
  pg = await PrivatePostgres.start();
  app = await startTestApp({ DATABASE_URL: pg.url("jiaolian"), OUTAGE_NOTICE_AFTER_MS: "1500", LOG_LEVEL: process.env.DBG_LOG ?? "silent" });
}, 60_000);
afterAll(async () => {
  await app?.close();
  pg?.destroy();
});

describe("PostgreSQL down while a message arrives", () => {
  it("waits, tells the sender once, records it once when the database is back", async () => {
    const g = await boundGroup(app);
    pg.stop("fast");
    try {
      const say = (text: string) => post(app, "/sim/messages", { chatId: g.chatId, userId: g.userId, userName: g.userName, text, messageId: unique("m") });
      // Told after the threshold (1.5 s here) that the message is safe...
      expect((await say("/记录 示范课 11月20日 二小")).body.replies?.[0]?.text).toBe("已收到，系统恢复后自动记录。");
      expect((await get(app, "/healthz")).status).toBe(503);
      expect(await (await fetch(`${app.url}/metrics`)).text()).toMatch(/jiaolian_dependency_outage 1/);
      // ...once: the same sender's next message just waits for its real reply.
      const second = say("/记录 听课 11月21日 二小");
      await new Promise((r) => setTimeout(r, 2_000));
      pg.start();
      expect((await second).body.replies?.[0]?.text).toMatch(/已记录 #\d+/);
      const replies = await waitForReplies(g.chatId, 3, 20_000);
      const texts = replies.map((d) => d.replies.map((r) => r.text).join("\n"));
      expect(texts.filter((t) => /已记录 #\d+/.test(t))).toHaveLength(2);
      expect(texts.filter((t) => t.includes("抱歉"))).toHaveLength(0);
      expect(texts.filter((t) => t.includes("已收到"))).toHaveLength(1);
      expect(await g.activities()).toHaveLength(2);
      expect(await (await fetch(`${app.url}/metrics`)).text()).toMatch(/jiaolian_dependency_outage 0/);
    } finally {
      if (
        !(await get(app, "/healthz").then(
          (r) => r.body.postgres === true,
          () => false,
        ))
      )
        pg.start();
    }
  }, 60_000);
});

/** The simulator's delivery log for this chat, after the setup replies, once it has `n` entries. */
async function waitForReplies(chatId: string, n: number, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const all = (await get<{ deliveries: { messageId: string; replies: { text: string }[] }[] }>(app, `/sim/replies?chatId=${chatId}`)).body.deliveries;
    const after = all.slice(4); // bind + 3 schools
    if (after.length >= n || Date.now() > until) return after;
    await new Promise((r) => setTimeout(r, 200));
  }
}
