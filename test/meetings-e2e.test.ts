/**
 * End to end through the simulator outbox: the BullMQ job scheduler ticks (every 300 ms here)
 * with the apps' injected clock, two app instances share Redis, PostgreSQL and the queue prefix,
 * and each reminder reaches the group and the principal once; after a restart a reminder missed
 * while down arrives marked late. Dates are in 2027 (see meetings-schedule.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, get, startTestApp } from "./support/harness.ts";
import { testPrefix, unique } from "./support/env.ts";
import { ownDatabase } from "./support/own-database.ts";

let clock = new Date("2027-02-01T02:00:00Z"); // Monday 10:00 in Beijing
const apps: App[] = [];
let databaseUrl = "";
beforeAll(async () => {
  databaseUrl = await ownDatabase("meetings_e2e");
});
afterAll(async () => {
  for (const a of apps) await a.close();
});

async function start(prefix: string): Promise<App> {
  const app = await startTestApp({ DATABASE_URL: databaseUrl, QUEUE_PREFIX: prefix, SCHEDULER_ENABLED: "true", SCHEDULER_EVERY_MS: "300" }, () => clock);
  apps.push(app);
  return app;
}

async function outbox(app: App, chatId: string): Promise<string[]> {
  const res = await get<{ messages: { text: string }[] }>(app, `/sim/outbox?chatId=${encodeURIComponent(chatId)}`);
  // The weekly digest (issue 11, Mondays 08:00) reaches the same chats; this file counts meeting pushes only.
  return res.body.messages.map((m) => m.text).filter((t) => !/^(【补发】[^\n]*\n)?📬 /.test(t));
}

// Generous: on a machine shared with other test runs.
async function until<T>(read: () => Promise<T[]>, count: number, timeoutMs = 60_000): Promise<T[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await read();
    if (got.length >= count || Date.now() > end) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 3_000)); // several ticks of both apps

describe("meeting reminders end to end", () => {
  it("two app instances: each push once in the group's and the principal's outbox; after a restart a missed reminder comes late", async () => {
    const prefix = testPrefix("je");
    const [a, b] = [await start(prefix), await start(prefix)];
    const g = await boundGroup(a);
    expect(await g.says("/会议 规则 每月第一个周六 9:00 二小会议室")).toMatch(/会议规则/);
    const p = await g.member("张校长", "二小 校长");
    await p.says("/会议 下次");

    // Feb 6, 2027 is 春节 (known by law every year); the 调休 days are not published yet: the admin hears both (a week ahead is now).
    const proposal = await until(() => outbox(b, g.userId), 1);
    expect(proposal).toEqual([expect.stringMatching(/2月6日的联席会议在春节假期中[\s\S]*2027年的调休安排还没公布/)]);

    clock = new Date("2027-02-03T01:00:30Z"); // 3 days before 09:00 on Feb 6
    const inGroup = await until(() => outbox(a, g.chatId), 1);
    expect(inGroup[0]).toMatch(/联席会议（3天后）\n时间：2月6日（周六）09:00\n地点：二小会议室/);
    expect(await until(() => outbox(b, p.userId), 1)).toHaveLength(1);
    await settle();
    expect(await outbox(a, g.chatId)).toHaveLength(1);
    expect(await outbox(a, p.userId)).toHaveLength(1);
    expect(await outbox(a, g.userId)).toHaveLength(1);

    // Both stop; the 2-hour reminder (23:00Z on Feb 5) passes while nothing runs.
    await a.close();
    await b.close();
    clock = new Date("2027-02-06T00:30:00Z");
    const c = await start(prefix);
    const after = await until(() => outbox(c, g.chatId), 2);
    expect(after).toHaveLength(2);
    expect(after[1]).toMatch(/^【迟到提醒】📅 .* 联席会议\n时间：2月6日（周六）09:00[\s\S]*尚未确认参加：清涧县第二小学、郝家也中心小学、双庙中心小学/);
    await settle();
    expect(await outbox(c, g.chatId)).toHaveLength(2);
    expect(await outbox(c, p.userId)).toHaveLength(2);
  }, 180_000);
});
