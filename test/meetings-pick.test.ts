/**
 * A day with two meetings (issue 23, deliverable 6: some communities meet twice a day): /会议 改期,
 * 取消 and 议程 given only the day ask which one, with a button per meeting, and never act on the
 * first one by default; a time after the day (12月10日 14:00, 12月10日下午2点) names it at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import type { Reply } from "../messages/messages.ts";
import { boundGroup, get, startTestApp } from "./support/harness.ts";

// Saturday 2026-11-28 12:00 in Beijing.
const NOON = new Date("2026-11-28T04:00:00Z");
let app: App;
beforeAll(async () => {
  app = await startTestApp({}, () => NOON);
});
afterAll(async () => app?.close());

const meetingsOf = (community: string) => app.db.meeting.findMany({ where: { community: { name: community } }, orderBy: { startsAt: "asc" } });
/** 12月10日 09:00 and 14:00 Beijing, as stored. */
const NINE = new Date("2026-12-10T01:00:00Z");
const TWO = new Date("2026-12-10T06:00:00Z");

/** The buttons of the bot's last reply in the chat, as the platforms' cards get them. */
async function lastChoices(chatId: string): Promise<{ label: string; command: string }[]> {
  const { body } = await get<{ deliveries: { replies: Reply[] }[] }>(app, `/sim/replies?chatId=${encodeURIComponent(chatId)}`);
  return body.deliveries.at(-1)?.replies.at(-1)?.choices ?? [];
}

async function twoMeetings() {
  const g = await boundGroup(app);
  await g.says("/会议 安排 12月10日 9:00 双庙 送课安排");
  expect(await g.says("/会议 安排 12月10日 14:00 郝家也 另加一场")).toMatch(/已安排会议：12月10日（周四）14:00 郝家也/);
  expect(await meetingsOf(g.community)).toHaveLength(2);
  return g;
}

describe("/会议 取消, 改期, 议程 on a day with two meetings", () => {
  it("取消 with only the day asks which one (a button each) and cancels nothing; the button cancels that one only", async () => {
    const g = await twoMeetings();
    const asked = await g.says("/会议 取消 12月10日");
    expect(asked).toMatch(/^12月10日有 2 场会议：\n1\. 09:00 双庙 送课安排\n2\. 14:00 郝家也\n要取消的是哪一场？点选项，或回复它的时间（例如 14:00）。/);
    expect((await meetingsOf(g.community)).map((m) => m.cancelled)).toEqual([false, false]);
    const choices = await lastChoices(g.chatId);
    expect(choices).toEqual([
      { label: "09:00 双庙 送课安排", command: "/会议 取消 2026-12-10 09:00" },
      { label: "14:00 郝家也", command: "/会议 取消 2026-12-10 14:00" },
    ]);
    expect(await g.says(choices[1]!.command)).toMatch(/已取消 12月10日（周四）14:00 的会议/);
    const [nine, two] = await meetingsOf(g.community);
    expect(nine).toMatchObject({ startsAt: NINE, cancelled: false });
    expect(two).toMatchObject({ startsAt: TWO, cancelled: true });
  });

  it("a time typed after the day names the meeting at once (12月10日 14:00, 12月10日上午9点)", async () => {
    const g = await twoMeetings();
    expect(await g.says("/会议 取消 12月10日 14:00")).toMatch(/已取消 12月10日（周四）14:00 的会议/);
    expect((await meetingsOf(g.community)).map((m) => m.cancelled)).toEqual([false, true]);
    expect(await g.says("/会议 议程 12月10日上午9点 期末联考安排")).toMatch(/已设置 12月10日（周四）09:00 会议的议题：期末联考安排/);
    expect((await meetingsOf(g.community)).map((m) => m.agenda)).toEqual(["期末联考安排", null]);
  });

  it("改期 asks which one; a typed time answers, and only that meeting moves", async () => {
    const g = await twoMeetings();
    expect(await g.says("/会议 改期 12月10日 12月17日")).toMatch(/^12月10日有 2 场会议：[\s\S]*要改期的是哪一场？/);
    expect((await meetingsOf(g.community)).map((m) => m.startsAt)).toEqual([NINE, TWO]);
    expect(await g.says("14:00")).toMatch(/会议已改期：12月10日（周四）14:00 → 12月17日（周四）14:00/);
    const [nine, moved] = await meetingsOf(g.community);
    expect(nine).toMatchObject({ startsAt: NINE, place: "双庙" });
    expect(moved).toMatchObject({ startsAt: new Date("2026-12-17T06:00:00Z"), place: "郝家也" });
  });

  it("改期 with the old time after the old day, and a new time after the new day", async () => {
    const g = await twoMeetings();
    expect(await g.says("/会议 改期 12月10日 9:00 12月11日 10:30")).toMatch(/会议已改期：12月10日（周四）09:00 → 12月11日（周五）10:30/);
    expect((await meetingsOf(g.community)).map((m) => m.startsAt)).toEqual([TWO, new Date("2026-12-11T02:30:00Z")]);
  });

  it("议程 asks which one; the number in the list answers", async () => {
    const g = await twoMeetings();
    expect(await g.says("/会议 议程 12月10日 期末联考安排")).toMatch(/要设置议题的是哪一场？/);
    expect(await g.says("第2场")).toMatch(/已设置 12月10日（周四）14:00 会议的议题：期末联考安排/);
    expect((await meetingsOf(g.community)).map((m) => m.agenda)).toEqual(["送课安排", "期末联考安排"]);
  });

  it("a time with no meeting is asked about again, and nothing changes; an answer that is neither is refused", async () => {
    const g = await twoMeetings();
    expect(await g.says("/会议 取消 12月10日 16:00")).toMatch(/^12月10日 16:00 没有会议。当天有 2 场会议：\n1\. 09:00 双庙 送课安排\n2\. 14:00 郝家也\n要取消的是哪一场？/);
    expect(await g.says("好的")).toMatch(/没看懂「好的」/);
    expect((await meetingsOf(g.community)).map((m) => m.cancelled)).toEqual([false, false]);
    expect(await g.says("9:00")).toMatch(/已取消 12月10日（周四）09:00 的会议/);
    expect((await meetingsOf(g.community)).map((m) => m.cancelled)).toEqual([true, false]);
  });

  it("with one of the two cancelled, 取消 means the other without asking", async () => {
    const g = await twoMeetings();
    await g.says("/会议 取消 12月10日 9:00");
    expect(await g.says("/会议 取消 12月10日")).toMatch(/已取消 12月10日（周四）14:00 的会议/);
    expect(await g.says("/会议 取消 12月10日")).toMatch(/^12月10日有 2 场会议：\n1\. 09:00 双庙 送课安排（已取消）\n2\. 14:00 郝家也（已取消）/);
  });

  it("a meeting from the rule and one added the same day: asked, and the rule's one is stored only when chosen", async () => {
    const g = await boundGroup(app);
    await g.says("/会议 规则 每月第一个周六 9:00 二小会议室");
    await g.says("/会议 安排 12月5日 15:00 郝家也 另加一场");
    expect(await g.says("/会议 取消 12月5日")).toMatch(/^12月5日有 2 场会议：\n1\. 09:00 二小会议室\n2\. 15:00 郝家也\n/);
    expect(await g.says("1")).toMatch(/已取消 12月5日（周六）09:00 的会议/);
    const rows = await meetingsOf(g.community);
    expect(rows.map((m) => [m.startsAt.toISOString(), m.cancelled])).toEqual([
      ["2026-12-05T01:00:00.000Z", true],
      ["2026-12-05T07:00:00.000Z", false],
    ]);
  });

  it("a day with one meeting is changed without asking, as before", async () => {
    const g = await boundGroup(app);
    await g.says("/会议 安排 12月10日 14:00 郝家也");
    expect(await g.says("/会议 议程 12月10日 送课安排")).toMatch(/已设置 12月10日（周四）14:00 会议的议题：送课安排/);
    expect(await g.says("/会议 改期 12月10日 12月11日 15:00")).toMatch(/会议已改期：12月10日（周四）14:00 → 12月11日（周五）15:00/);
    expect(await g.says("/会议 取消 12月11日")).toMatch(/已取消 12月11日（周五）15:00 的会议/);
    expect(await g.says("/会议 取消 12月12日")).toMatch(/12月12日 没有安排会议/);
  });
});
