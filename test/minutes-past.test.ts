/**
 * Minutes of a past meeting nobody scheduled (issue 23, deliverable 6): `/纪要 <日期> [时间] …`
 * creates the meeting as held and records its minutes, with no reminder ever sent for it; the
 * refusals point there (not to /会议 安排, which refuses past dates) with the community's own schools.
 */
import { describe, expect, it } from "vitest";
import { boundGroup } from "./support/harness.ts";
import { scheduleTestApp } from "./support/schedule.ts";

const NOW = new Date("2026-11-28T04:00:00Z"); // Saturday 12:00 in Beijing
let clock = NOW;
const started = scheduleTestApp(() => clock, "minutes_past");

async function county() {
  clock = NOW;
  const g = await boundGroup(started.app, { schools: false });
  await g.says("/学校 添加 安川县实验小学 核心 县实小");
  await g.says("/学校 添加 杨庄乡中心小学 成员 杨庄");
  return g;
}
const meetingsOf = (chatId: string) => started.app.db.meeting.findMany({ where: { community: { chats: { some: { chatId } } } }, orderBy: { startsAt: "asc" } });

describe("/纪要 <日期> for a meeting that was never scheduled", () => {
  it("with nothing scheduled, says how to write minutes of a past meeting, with the community's own school", async () => {
    const g = await county();
    const reply = await g.says("/纪要 讨论了送课安排");
    expect(reply).toMatch(/请在纪要前写上日期（和时间）：\/纪要 11月20日 14:00 在县实小召开，讨论了期末联考安排/);
    expect(reply).not.toMatch(/会议 安排|二小/);
    const past = await g.says("/会议 安排 11月20日 14:00 县实小");
    expect(past).toMatch(/已经过去了.*例如：\/会议 安排 12月12日 14:00 县实小 送课安排\n补记已经开过的会议，直接发纪要并写上日期：\/纪要 11月20日 14:00 纪要内容/s);
    expect(past).not.toMatch(/二小/);
  });

  it("creates the meeting as held, records the minutes, a 联席会议 activity and to-dos; later minutes of that day update it", async () => {
    const g = await county();
    const reply = await g.says("/纪要 11月20日 14:00 在县实小召开，讨论了送课。\n待办：@王主任 12月10日前 提交方案");
    expect(reply).toMatch(
      /^✅ 已记录 11月20日（周五）14:00 联席会议纪要（已记为联席会议活动 #1）\n这次会议之前没有安排过，已补记为开过的会议（不发提醒）。\n待办：\n· #1 @王主任 提交方案（12月10日前）/,
    );
    const [m] = await meetingsOf(g.chatId);
    expect(m).toMatchObject({ startsAt: new Date("2026-11-20T06:00:00Z"), minutes: "在县实小召开，讨论了送课。\n待办:@王主任 12月10日前 提交方案" });
    expect(await g.activities()).toMatchObject([{ kind: "联席会议", date: "2026-11-20" }]);
    expect(await g.says("/纪要 11月20日 补充：照片已上传")).toMatch(/^✅ 已更新 11月20日（周五）14:00 联席会议纪要$/);
    expect(await meetingsOf(g.chatId)).toHaveLength(1);
    expect(await g.activities()).toHaveLength(1);
  });

  it("reads the day as /记录 does (full-width digits, 号, relative days); without a time files it at 09:00 and says so", async () => {
    const g = await county();
    expect(await g.says("/纪要 １１月２１号 交流了期中情况")).toMatch(/已记录 11月21日（周六）09:00 联席会议纪要[\s\S]*已补记为开过的会议（没写时间，按 09:00 记；不发提醒）/);
    expect(await g.says("/纪要 前天下午3点 讨论了家访")).toMatch(/已记录 11月26日（周四）15:00 联席会议纪要/);
    expect(await g.says("/纪要 下周三 讨论")).toMatch(/12月2日 还没到，纪要请在会后记录。例如：\/纪要 11月20日 14:00 在县实小召开/);
    expect(await g.says("/纪要 2月30日 讨论")).toMatch(/日期「2月30日」不存在/);
    expect(await g.says("/纪要 11月20日")).toMatch(/请在日期后写上会议纪要/);
    expect(await meetingsOf(g.chatId)).toHaveLength(2);
  });

  it("sends no reminder and no minutes nudge for the meeting it created", async () => {
    const g = await county();
    await g.says("/纪要 今天 09:30 讨论了送课");
    for (const at of [NOW, new Date("2026-11-28T04:01:00Z"), new Date("2026-11-29T01:00:00Z"), new Date("2026-11-29T01:01:00Z")]) await started.ticker.tick(at);
    expect(await started.ticker.sent([g.chatId, g.userId])).toEqual([]);
    expect(await meetingsOf(g.chatId)).toMatchObject([{ startsAt: new Date("2026-11-28T01:30:00Z") }]);
  });
});
