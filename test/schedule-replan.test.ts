/**
 * A scheduled push is skipped only when it was really missed while the bot was down (or passed
 * before the community existed), never because of a later setting: binding, /设置 周报 and
 * /设置 提醒, scheduling at short notice and writing a to-do re-plan the current period, with the
 * injected clock on the real PostgreSQL and BullMQ; then once in real time through the
 * simulator with the scheduler ticking every second. 迟到提醒/补发 only on the catch-up path.
 * Dates: March 2027 (Mondays 00:00Z = 08:00 Beijing), in this file's own database.
 */
process.env.TZ = "UTC";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { runDigestWork } from "../workers/schedule/digest-work.ts";
import { boundGroup, type Chat, get, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";
import { ownDatabase } from "./support/own-database.ts";
import { scheduleTestApp } from "./support/schedule.ts";

const at = (iso: string) => new Date(iso);
let clock = at("2027-02-27T04:00:00Z"); // Saturday 12:00 in Beijing
const started = scheduleTestApp(() => clock, "schedule_replan");

const digestTick = (now: Date) => runDigestWork({ db: started.ticker.db, producers: started.ticker.producers, log: started.ticker.log, now: () => now }, now);
const digestsTo = async (chatId: string) => (await started.ticker.texts([chatId])).filter((t) => /📬/.test(t));

/** A community bound at `when` with a principal who has an account (principals get the full digest 1:1). */
async function community(when: Date): Promise<{ g: Chat; p: Chat }> {
  clock = when;
  const g = await boundGroup(started.app);
  const p = await g.member("张校长", "二小 校长");
  await p.says("/进度");
  return { g, p };
}

describe("the weekly digest re-plans on binding and on /设置 周报", { timeout: 90_000 }, () => {
  it("bound an hour after the default Monday 08:00: sent at once, as a normal digest; bound the next day: not this week, next Monday", async () => {
    const { p } = await community(at("2027-03-01T01:00:00Z")); // Monday 09:00
    await digestTick(at("2027-03-01T01:00:30Z"));
    const [text, ...more] = await digestsTo(p.userId);
    expect(more).toHaveLength(0);
    expect(text).toMatch(/^📬 /);
    expect(text).not.toMatch(/补发/);

    const late = await community(at("2027-03-02T02:00:00Z")); // Tuesday 10:00: Monday's slot was before it existed
    await digestTick(at("2027-03-02T02:00:30Z"));
    expect(await digestsTo(late.p.userId)).toHaveLength(0);
    // Nothing recorded that could use up a week.
    expect(started.ticker.logs.filter((l) => l.includes("weekly digest more than 6 hours overdue"))).toHaveLength(0);
    await digestTick(at("2027-03-08T00:00:00Z"));
    expect(await digestsTo(late.p.userId)).toEqual([expect.stringMatching(/^📬 /)]);
  });

  it("changed to a later day after this week's slot passed: sent on the new day, once", async () => {
    const { g, p } = await community(at("2027-03-02T02:00:00Z")); // Tuesday 10:00
    await digestTick(at("2027-03-02T02:00:30Z"));
    expect(await g.says("/设置 周报 周四 9:00")).toMatch(/周报改为每周四 09:00/);
    await digestTick(at("2027-03-02T02:01:00Z"));
    await digestTick(at("2027-03-03T01:00:00Z"));
    expect(await digestsTo(p.userId)).toHaveLength(0);
    await digestTick(at("2027-03-04T01:00:00Z")); // Thursday 09:00
    await digestTick(at("2027-03-04T01:01:00Z"));
    expect(await digestsTo(p.userId)).toEqual([expect.not.stringMatching(/补发/)]);
  });

  it("changed to an earlier day this week, before this week's went out: sent now, as a normal digest", async () => {
    const { g, p } = await community(at("2027-02-27T04:00:00Z")); // last Saturday
    expect(await g.says("/设置 周报 周五 9:00")).toMatch(/周五 09:00/);
    await digestTick(at("2027-03-01T00:00:00Z")); // Monday: no longer the day
    expect(await digestsTo(p.userId)).toHaveLength(0);
    clock = at("2027-03-03T02:00:00Z"); // Wednesday 10:00
    expect(await g.says("/设置 周报 周二 9:00")).toMatch(/周二 09:00/);
    await digestTick(at("2027-03-03T02:00:30Z"));
    const sent = await digestsTo(p.userId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^📬 /);
    // This week's is done: neither Friday nor another change sends a second one.
    expect(await g.says("/设置 周报 周五 9:00")).toMatch(/周五 09:00/);
    await digestTick(at("2027-03-05T01:00:00Z"));
    expect(await digestsTo(p.userId)).toHaveLength(1);
  });

  it("changed twice before the slot: only the last setting counts, sent once", async () => {
    const { g, p } = await community(at("2027-03-02T02:00:00Z"));
    await digestTick(at("2027-03-02T02:00:30Z"));
    await g.says("/设置 周报 周三 9:00");
    await digestTick(at("2027-03-02T02:01:00Z"));
    await g.says("/设置 周报 周四 9:00");
    await digestTick(at("2027-03-03T01:00:00Z")); // Wednesday 09:00: no longer the slot
    expect(await digestsTo(p.userId)).toHaveLength(0);
    await digestTick(at("2027-03-04T01:00:00Z"));
    await digestTick(at("2027-03-04T01:05:00Z"));
    expect(await digestsTo(p.userId)).toHaveLength(1);
  });

  it("a slot that passed while the bot was down is the only 补发, and a later change still sends the week's", async () => {
    const { p } = await community(at("2027-02-27T04:00:00Z"));
    await digestTick(at("2027-03-01T03:00:00Z")); // Monday 11:00: three hours late
    expect((await digestsTo(p.userId))[0]).toMatch(/^【补发】/);
    const down = await community(at("2027-02-27T04:00:00Z"));
    await digestTick(at("2027-03-01T07:00:00Z")); // seven hours late: skipped …
    expect(await digestsTo(down.p.userId)).toHaveLength(0);
    clock = at("2027-03-02T01:00:00Z");
    await down.g.says("/设置 周报 周三 9:00"); // … but the week is not used up
    await digestTick(at("2027-03-03T01:00:00Z"));
    expect(await digestsTo(down.p.userId)).toEqual([expect.stringMatching(/^📬 /)]);
  });
});

describe("meeting reminders, to-dos: sent now when planned after their time, 迟到提醒 only after downtime", { timeout: 90_000 }, () => {
  it("a meeting 12 minutes ahead gets one reminder at once saying 12 minutes, not 迟到提醒; the 3-day lead is not sent or skipped", async () => {
    const { g } = await community(at("2027-03-09T00:30:00Z")); // Tuesday 08:30
    expect(await g.says("/会议 安排 3月9日 08:42 二小")).toMatch(/已安排会议/);
    await started.ticker.tick(at("2027-03-09T00:30:30Z"));
    await started.ticker.tick(at("2027-03-09T00:31:30Z"));
    const texts = (await started.ticker.texts([g.chatId])).filter((t) => /联席会议/.test(t));
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/联席会议（12分钟后）\n时间：3月9日（周二）08:42/);
    expect(texts[0]).not.toMatch(/迟到提醒|补发/);
  });

  it("reminder leads changed so the new lead has passed: sent now with the time left; a lead still ahead waits", async () => {
    const { g } = await community(at("2027-03-10T00:00:00Z")); // Wednesday 08:00
    await g.says("/会议 安排 3月12日 09:00 二小"); // Friday: the 3-day lead already passed when it was scheduled
    await started.ticker.tick(at("2027-03-10T00:00:30Z"));
    expect((await started.ticker.texts([g.chatId])).filter((t) => /联席会议/.test(t))).toHaveLength(0);
    clock = at("2027-03-11T05:00:00Z"); // Thursday 13:00: the meeting is 20 hours away
    expect(await g.says("/设置 提醒 1天")).toMatch(/1天/);
    await started.ticker.tick(at("2027-03-11T05:00:30Z"));
    const texts = (await started.ticker.texts([g.chatId])).filter((t) => /联席会议/.test(t));
    expect(texts).toEqual([expect.stringMatching(/联席会议（20小时后）/)]);
    expect(texts[0]).not.toMatch(/迟到提醒/);
    // Leads 1天 and 2小时 later: the 2-hour one goes at its time, on time.
    clock = at("2027-03-11T06:00:00Z");
    await g.says("/设置 提醒 1天 2小时");
    await started.ticker.tick(at("2027-03-11T23:00:00Z"));
    const after = (await started.ticker.texts([g.chatId])).filter((t) => /联席会议/.test(t));
    expect(after).toHaveLength(2);
    expect(after[1]).toMatch(/联席会议（2小时后）/);
  });

  it("after downtime the nearest lead alone comes, marked 迟到提醒", async () => {
    const { g } = await community(at("2027-03-13T00:00:00Z"));
    await g.says("/会议 安排 3月19日 09:00 二小");
    await g.says("/设置 提醒 3小时 2小时");
    // Down from before the 3-hour lead until after the 2-hour one (Friday 06:00 and 07:00 → 07:30).
    await started.ticker.tick(at("2027-03-18T23:30:00Z"));
    const texts = (await started.ticker.texts([g.chatId])).filter((t) => /联席会议/.test(t));
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^【迟到提醒】[\s\S]*机器人恢复运行后补发/);
    expect(await started.app.db.delivery.count({ where: { kind: "meeting-reminder-180", status: { not: "skipped" } } })).toBe(0);
  });

  it("a to-do written an hour after its reminder's time (due tomorrow) is reminded now, not as 迟到提醒", async () => {
    const { g, p } = await community(at("2027-03-15T02:00:00Z")); // Monday 10:00
    await g.says("/会议 安排 3月15日 10:30 二小");
    clock = at("2027-03-15T03:00:00Z");
    expect(await g.says("/纪要 讨论送课。待办：@张校长 3月16日前 提交方案")).toMatch(/纪要/);
    await started.ticker.tick(at("2027-03-15T03:00:30Z"));
    const texts = await started.ticker.texts([p.userId]);
    expect(texts.filter((t) => /待办快到期/.test(t))).toEqual([expect.not.stringMatching(/迟到提醒/)]);
  });
});

describe("in real time through the simulator (scheduler every second)", () => {
  let app: App;
  beforeAll(async () => {
    app = await startTestApp({ DATABASE_URL: await ownDatabase("schedule_replan_rt"), SCHEDULER_ENABLED: "true", SCHEDULER_EVERY_MS: "1000" }, () => new Date());
  });
  afterAll(async () => {
    await app?.close();
  });

  const outbox = async (chatId: string) => (await get<{ messages: { text: string }[] }>(app, `/sim/outbox?chatId=${encodeURIComponent(chatId)}`)).body.messages.map((m) => m.text);
  async function until(read: () => Promise<string[]>, match: RegExp, timeoutMs = 30_000): Promise<string[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const got = (await read()).filter((t) => match.test(t));
      if (got.length > 0 || Date.now() > end) return got;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it("/设置 周报 to a minute just passed today sends this week's digest within seconds; a meeting 12 minutes ahead is reminded as such", async () => {
    const g = await boundGroup(app);
    await g.says("/成员 张校长 二小 校长");
    const beijing = DateTime.now().setZone("Asia/Shanghai");
    const slot = beijing.minus({ minutes: 2 });
    // Just after midnight the slot would fall on yesterday (another weekday, maybe last week): not this test's case.
    if (slot.day === beijing.day) {
      const weekday = ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"][slot.weekday];
      expect(await g.says(`/设置 周报 ${weekday} ${slot.toFormat("HH:mm")}`)).toMatch(/周报改为/);
      const digests = await until(() => outbox(g.chatId), /📬/);
      expect(digests).toHaveLength(1);
      expect(digests[0]).not.toMatch(/补发/);
    }
    const meeting = beijing.plus({ minutes: 12 });
    if (meeting.day === beijing.day) {
      expect(await g.says(`/会议 安排 今天 ${meeting.toFormat("HH:mm")} 二小`)).toMatch(/已安排会议/);
      const reminders = await until(() => outbox(g.chatId), /联席会议/);
      expect(reminders).toHaveLength(1);
      expect(reminders[0]).toMatch(/联席会议（1[12]分钟后）/);
      expect(reminders[0]).not.toMatch(/迟到提醒/);
    }
  }, 90_000);
});
