/**
 * Malformed input for every meeting command: a short Chinese answer with an example, no stack
 * trace, and nothing half-written (no meeting, rule, item, override or activity appears).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";

const NOW = new Date("2026-11-28T04:00:00Z");
let app: App;
beforeAll(async () => {
  app = await startTestApp({}, () => NOW);
});
afterAll(async () => app?.close());

const STACK = /\n\s+at |Error:|undefined|null|NaN|\[object/;

async function counts(communityId: number) {
  const where = { communityId };
  const [rules, meetings, items, overrides, activities] = await Promise.all([
    app.db.meetingRule.count({ where }),
    app.db.meeting.count({ where }),
    app.db.actionItem.count({ where }),
    app.db.holidayOverride.count({ where }),
    app.db.activity.count({ where }),
  ]);
  return { rules, meetings, items, overrides, activities };
}

describe("meeting commands refuse malformed input clearly", () => {
  const inputs: [string, RegExp][] = [
    ["/会议 规则", /请写上会议规则.*例如/],
    ["/会议 规则 每天 9:00", /没看懂会议规则.*例如：\/会议 规则/],
    ["/会议 规则 每月第一个周六", /缺少或写错了时间/],
    ["/会议 规则 每月第一个周六 99:99", /不是有效的时间/],
    ["/会议 规则 每月32日 9:00", /不是每个月都有/],
    ["/会议 规则 每月第九个周六 9:00", /没看懂会议规则/],
    ["/会议 规则 每周八 9:00", /没看懂会议规则/],
    ["/会议 规则 删除", /还没有设置会议规则/],
    ["/会议 安排", /请写上会议日期。例如/],
    ["/会议 安排 13月40日 9:00", /不存在.*例如/],
    ["/会议 安排 明年 9:00", /不是日期.*例如/],
    ["/会议 安排 12月5日", /请写上会议时间.*例如/],
    ["/会议 安排 12月5日 25:00", /请写上会议时间/],
    ["/会议 安排 12月5日 上午", /请写上会议时间/],
    ["/会议 安排 11月1日 9:00", /已经过去了.*例如/],
    ["/会议 安排 2028年12月5日 9:00", /超过一年/],
    ["/会议 取消", /请写上要取消的会议日期/],
    ["/会议 取消 12月5日", /没有安排会议/],
    ["/会议 取消 2月30日", /不存在/],
    ["/会议 议程 12月5日", /请写上议题内容/],
    ["/会议 议程 12月5日 内容", /没有安排会议/],
    ["/会议 议程", /请写上会议日期/],
    ["/会议 改期", /请写上原来的日期/],
    ["/会议 改期 12月5日", /请写上新的日期/],
    ["/会议 改期 12月5日 12月6日", /没有安排会议/],
    ["/会议 开会吧", /没看懂「开会吧」.*用法/s],
    [`/会议 ${"规".repeat(700)}`, /不超过600个字/],
    ["/设置 提醒 明天", /不是有效的提醒时间.*例如：\/设置 提醒 3天 2小时/],
    ["/设置 提醒 0天", /不是有效的提醒时间/],
    ["/设置 提醒 100天", /不是有效的提醒时间/],
    ["/设置 提醒 1天 2天 3天 4天 5天", /最多设置4个/],
    ["/设置 假期 某天", /不是日期.*例如：\/设置 假期 2027-01-01/],
    ["/设置 假期 2027-02-30", /不存在/],
    ["/设置 假期 2027-01-01 上班", /只能写「补班」或「放假」/],
    ["/设置 假期 删除", /请写上要删除的日期/],
    ["/设置 假期 删除 2027-01-01", /没有手动设置过/],
    ["/设置 颜色 红", /没看懂「颜色」.*用法/s],
    ["/签到", /请写上学校|近期没有安排会议/],
    ["/签到 火星小学", /没有找到学校「火星小学」.*例如/],
    ["/签到 二小", /近期没有安排会议/],
    ["/纪要", /填写联席会议纪要[\s\S]*\/f\/[\s\S]*\/帮助 纪要/], // bare: the form link
    ["/纪要 开了会", /还没有开过的会议/],
    [`/纪要 ${"字".repeat(3500)}`, /不超过3000字/],
    ["/完成", /请写上待办编号。例如/],
    ["/完成 abc", /没看懂「abc」/],
    ["/完成 0", /待办编号/],
    ["/完成 99999999999", /待办编号|没看懂/],
    ["/完成 7", /没有编号为 7 的待办/],
  ];
  it.each(inputs)("%j", async (text, expected) => {
    const g = await boundGroup(app);
    const chat = await app.db.chatGroup.findFirstOrThrow({ where: { chatId: g.chatId } });
    const before = await counts(chat.communityId);
    const reply = await g.says(text);
    expect(reply).not.toMatch(STACK);
    expect(reply).toMatch(expected);
    expect(await counts(chat.communityId)).toEqual(before);
  });

  it("a teacher cannot configure, and nothing changes", async () => {
    const g = await boundGroup(app);
    const t = g.as("t-bad", "李老师");
    for (const text of ["/会议 规则 每周一 8:00", "/会议 安排 12月5日 9:00", "/会议 取消 12月5日", "/会议 议程 12月5日 x", "/会议 改期 12月5日 12月6日", "/设置 提醒 1天", "/设置 假期 2027-01-01"]) {
      expect(await t.says(text)).toMatch(/^只有管理员可以/);
    }
    const chat = await app.db.chatGroup.findFirstOrThrow({ where: { chatId: g.chatId } });
    expect(await counts(chat.communityId)).toEqual({ rules: 0, meetings: 0, items: 0, overrides: 0, activities: 0 });
  });
});
