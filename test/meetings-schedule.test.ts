/**
 * The scheduler's tick with the injected clock, on the real PostgreSQL and BullMQ: reminders to
 * groups and principals, attendance, late catch-up and skip, exactly once with two workers, the
 * holiday proposal, minutes nudges, action items, "nothing this month", breaks, crash repair.
 * Dates here are in December 2026 (the e2e file uses 2027), so ticks of other test apps
 * (which believe it is TEST_NOW) and of the e2e file never claim these pushes.
 */
import { describe, expect, it } from "vitest";
import { claim } from "../db/delivery-ledger.ts";
import { boundGroup, type Chat } from "./support/harness.ts";
import { unique } from "./support/env.ts";
import { scheduleTestApp } from "./support/schedule.ts";

const NOW = new Date("2026-11-28T04:00:00Z"); // Saturday 12:00 in Beijing
let clock = NOW;
const started = scheduleTestApp(() => clock, "meetings_schedule");

const at = (iso: string) => new Date(iso);

/** A community with a rule, and a principal of 二小 who has written once (so has an account). */
async function community(rule: string, when = NOW): Promise<{ g: Chat; p: Chat; id: number }> {
  clock = when;
  const g = await boundGroup(started.app);
  if (rule) expect(await g.says(`/会议 规则 ${rule}`)).toMatch(/会议规则/);
  const p = await g.member("张校长", "二小 校长");
  await p.says("/会议 下次");
  const chat = await started.app.db.chatGroup.findFirstOrThrow({ where: { chatId: g.chatId } });
  return { g, p, id: chat.communityId };
}

describe("meeting reminders", () => {
  it("go 3 days and 2 hours before to the group and 1:1 to the principal, with place, agenda, open items, a 签到 button; once", async () => {
    const { g, p } = await community("每月第一个周六 9:00 二小会议室");
    await g.says("/会议 议程 12月5日 期末联考安排");
    await g.says("/会议 安排 11月28日 12:30 郝家也");
    clock = at("2026-11-28T05:00:00Z");
    await g.says("/纪要 送课交流。待办：@张校长 12月10日前 提交送课方案");

    await started.ticker.tick(at("2026-12-02T00:59:00Z"));
    expect(await started.ticker.sent([g.chatId, p.userId])).toHaveLength(0);
    await started.ticker.tick(at("2026-12-02T01:00:00Z"));
    await started.ticker.tick(at("2026-12-02T01:01:00Z"));
    const first = await started.ticker.sent([g.chatId, p.userId]);
    expect(first.map((m) => [m.chatId, m.chatType])).toEqual([
      [g.chatId, "group"],
      [p.userId, "direct"],
    ]);
    const reply = first[0]!.replies[0]!;
    expect(reply.text).toMatch(/联席会议（3天后）\n时间：12月5日（周六）09:00\n地点：二小会议室\n议题：期末联考安排/);
    expect(reply.text).toMatch(/未完成的待办：\n· #1 @张校长 提交送课方案（12月10日前）/);
    expect(reply.text).not.toMatch(/尚未确认/);
    expect(reply.actions).toEqual([{ label: "签到", command: "/签到" }]);

    clock = at("2026-12-03T02:00:00Z");
    expect(await p.says("/签到")).toMatch(/清涧县第二小学 已签到：12月5日/);
    await started.ticker.tick(at("2026-12-04T23:00:00Z"));
    const second = await started.ticker.texts([g.chatId]);
    expect(second).toHaveLength(2);
    expect(second[1]).toMatch(/（2小时后）[\s\S]*已签到：清涧县第二小学\n尚未确认参加：郝家也中心小学、双庙中心小学/);
  });

  it("after downtime: at most 6 hours overdue is sent once marked late; older is skipped and logged once", async () => {
    const { g, id } = await community("每周一 8:00 二小"); // Mondays 00:00Z
    await started.ticker.tick(at("2026-12-04T03:00:00Z")); // the 3-day reminder of Dec 7 was due at 00:00Z
    await started.ticker.tick(at("2026-12-04T03:01:00Z"));
    const late = await started.ticker.texts([g.chatId]);
    expect(late).toHaveLength(1);
    expect(late[0]).toMatch(/^【迟到提醒】📅 .* 联席会议\n时间：12月7日（周一）08:00[\s\S]*机器人恢复运行后补发/);

    const before = started.ticker.logs.length;
    await started.ticker.tick(at("2026-12-11T07:00:00Z")); // Dec 14's 3-day reminder: 7 hours overdue
    await started.ticker.tick(at("2026-12-11T07:01:00Z"));
    expect(await started.ticker.texts([g.chatId])).toHaveLength(1);
    const skipped = await started.app.db.delivery.findMany({ where: { communityId: id, occurrenceKey: { contains: "@2026-12-14T00:00:00.000Z" }, kind: "meeting-reminder-4320", status: "skipped" } });
    expect(skipped.map((d) => d.recipient)).toEqual(["*"]);
    const logged = started.ticker.logs.slice(before).filter((l) => l.includes(`"communityId":${id},`) && l.includes("2026-12-14T00:00:00.000Z") && l.includes("meeting-reminder-4320"));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/more than 6 hours overdue/);
  });

  it("two workers ticking at once send each reminder exactly once (unique ledger row, not job ids)", async () => {
    const { g, p, id } = await community("每月第一个周六 9:00");
    const other = started.ticker.otherWorker();
    const due = at("2026-12-02T01:00:00Z");
    await Promise.all([started.ticker.tick(due), other.tick(due), started.ticker.tick(due), other.tick(due)]);
    expect(await started.ticker.sent([g.chatId, p.userId])).toHaveLength(2);
    const rows = await started.app.db.delivery.findMany({ where: { communityId: id, kind: "meeting-reminder-4320", occurrenceKey: `community:${id}@2026-12-05T01:00:00.000Z` } });
    expect(rows.map((r) => [r.recipient, r.status]).sort()).toEqual([
      [`group:sim:${g.chatId}`, "queued"],
      [`user:sim:${p.userId}`, "queued"],
    ]);
  });

  it("a changed rule re-plans: the old rule's reminders never go out", async () => {
    const { g } = await community("每周一 8:00");
    await g.says("/会议 规则 每周三 8:00");
    await started.ticker.tick(at("2026-12-04T00:00:00Z")); // would be Monday Dec 7's 3-day reminder
    expect(await started.ticker.texts([g.chatId])).toHaveLength(0);
    await started.ticker.tick(at("2026-12-06T00:00:00Z")); // Wednesday Dec 9's
    expect(await started.ticker.texts([g.chatId])).toEqual([expect.stringMatching(/12月9日（周三）08:00/)]);
  });

  it("cancelled meetings and meetings in a break get no reminder", async () => {
    const { g, id } = await community("每月第一个周六 9:00");
    await g.says("/会议 取消 12月5日");
    await started.ticker.tick(at("2026-12-02T01:00:00Z"));
    await started.app.db.community.update({ where: { id }, data: { termStart: new Date("2026-09-01"), termEnd: new Date("2026-12-31") } });
    await started.ticker.tick(at("2026-12-30T01:00:00Z")); // Jan 2 is after the configured term: a break
    expect(await started.ticker.texts([g.chatId])).toEqual([]);
  });

  it("a send lost between claim and queue (crash) is queued by a later tick, once", async () => {
    const { g, id } = await community("");
    const message = { platform: "sim" as const, chatId: g.chatId, chatType: "group" as const, replies: [{ text: "repair me" }] };
    const t = at("2026-12-01T00:00:00Z");
    const rowId = await claim(started.app.db, {
      communityId: id,
      kind: "test-crash",
      occurrenceKey: `community:${id}@x`,
      recipient: `group:sim:${g.chatId}`,
      dueAt: t,
      late: false,
      payload: message,
      now: t,
    });
    await started.ticker.tick(new Date(t.getTime() + 30_000));
    expect(await started.ticker.texts([g.chatId])).toEqual([]);
    await started.ticker.tick(new Date(t.getTime() + 61_000));
    await started.ticker.tick(new Date(t.getTime() + 122_000));
    const sent = await started.ticker.sent([g.chatId]);
    expect(sent.map((m) => [m.jobId, m.replies[0]?.text])).toEqual([[`push-${rowId}`, "repair me"]]);
  });
});

describe("holiday proposal", () => {
  it("a first Saturday inside the National Day holiday: the admin gets the nearest working day a week ahead and accepts with one command", async () => {
    const { g } = await community("每月第一个周六 9:00 二小", at("2026-09-20T02:00:00Z"));
    await started.ticker.tick(at("2026-09-26T00:59:00Z"));
    expect(await started.ticker.sent([g.userId])).toHaveLength(0);
    await started.ticker.tick(at("2026-09-26T01:00:00Z"));
    await started.ticker.tick(at("2026-09-26T05:00:00Z"));
    const [proposal, ...more] = await started.ticker.sent([g.userId]);
    expect(more).toHaveLength(0);
    expect(proposal?.chatType).toBe("direct");
    expect(proposal?.replies[0]?.text).toMatch(/10月3日的联席会议在国庆节假期中。建议改到最近的工作日 9月30日/);
    const accept = proposal!.replies[0]!.actions![0]!;
    expect(accept).toEqual({ label: "改期", command: "/会议 改期 2026-10-03 2026-09-30" });

    clock = at("2026-09-26T06:00:00Z");
    expect(await g.says(accept.command)).toMatch(/10月3日（周六）09:00 → 9月30日（周三）09:00/);
    await started.ticker.tick(at("2026-09-27T01:00:00Z"));
    expect(await started.ticker.texts([g.chatId])).toEqual([expect.stringMatching(/时间：9月30日（周三）09:00\n地点：二小/)]);
  });

  it("in a year the library does not cover, the proposal says so; an admin's holiday then brings a proposal", async () => {
    const { g } = await community("每月第一个周六 9:00", at("2026-12-20T02:00:00Z"));
    await started.ticker.tick(at("2026-12-26T01:00:00Z"));
    expect(await started.ticker.texts([g.userId])).toEqual([expect.stringMatching(/这天靠近法定节假日，国务院还没有公布2027年的调休安排（日历库暂未收录），无法判断这天是否因调休放假或上班/)]);
    clock = at("2026-12-26T02:00:00Z");
    await g.says("/设置 假期 2027-01-02");
    await started.ticker.tick(at("2026-12-26T02:01:00Z"));
    const texts = await started.ticker.texts([g.userId]);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(/1月2日的联席会议在自定假日假期中。建议改到最近的工作日/);
  });
});

describe("minutes, action items and the monthly check", () => {
  it("nudges the organizer the day after a meeting without minutes, and not after minutes", async () => {
    const { g } = await community("");
    await g.says("/会议 安排 12月1日 15:00 二小");
    await g.says("/会议 安排 12月2日 15:00 二小");
    clock = at("2026-12-02T08:00:00Z");
    await g.says("/纪要 已开会");
    await started.ticker.tick(at("2026-12-02T07:00:00Z")); // Dec 1 15:00 + 24h
    await started.ticker.tick(at("2026-12-03T07:00:00Z")); // Dec 2 15:00 + 24h: has minutes
    expect(await started.ticker.texts([g.userId])).toEqual([expect.stringMatching(/12月1日（周二）15:00的联席会议还没有纪要。\n请发送：\/纪要/)]);
  });

  it("reminds an action item's owner the day before it is due, until done", async () => {
    const { g, p } = await community("");
    await g.says("/会议 安排 11月28日 12:30 二小");
    clock = at("2026-11-28T05:00:00Z");
    await g.says("/纪要 待办：@张校长 12月10日前 提交送课方案 待办：@王主任 12月11日前 汇总");
    await g.says("/完成 2");
    await started.ticker.tick(at("2026-12-09T01:00:00Z"));
    await started.ticker.tick(at("2026-12-10T01:00:00Z"));
    expect(await started.ticker.texts([p.userId])).toEqual([expect.stringMatching(/待办快到期：#1 @张校长 提交送课方案（12月10日前）\n完成后请发送：\/完成 1/)]);
    expect(await started.ticker.texts([g.userId])).toEqual([]);
  });

  it("on the 25th, a monthly community without a 联席会议 this month tells its admin; one with a record does not", async () => {
    const quiet = await community("每月15日 14:00");
    const active = await community("每月15日 14:00");
    await active.g.says("/记录 联席会议 12月15日 二小");
    await started.ticker.tick(at("2026-12-25T01:00:00Z"));
    expect(await started.ticker.texts([quiet.g.userId])).toEqual([expect.stringMatching(/本月（12月）还没有记录联席会议/)]);
    expect(await started.ticker.texts([active.g.userId])).toEqual([]);
  });
});
