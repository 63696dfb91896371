/**
 * The one parser, from realistic utterances: Simplified and Traditional, full-width, every date
 * form, every kind alias of ../shared/domain.md, key=value and positional forms in any order.
 */
import * as OpenCC from "opencc-js";
import { describe, expect, it } from "vitest";
import { ACTIVITY_KINDS } from "../../core/kinds.ts";
import { isUserError } from "../../commands/core/errors.ts";
import { understand } from "./understand.ts";

const toTraditional = OpenCC.Converter({ from: "cn", to: "tw" });

describe("every kind alias, Simplified and Traditional", () => {
  const cases = ACTIVITY_KINDS.flatMap((k) =>
    [k.name, ...k.aliases].flatMap((word) => [
      { typed: `/记录 ${word} 11月20日 二小`, kind: k.name },
      { typed: toTraditional(`/记录 ${word} 11月20日 二小`), kind: k.name },
    ]),
  );
  it.each(cases)("$typed → $kind", ({ typed, kind }) => {
    const { command, args } = understand(typed);
    expect(command).toBe("记录");
    expect(args).toMatchObject({ kind, date: { date: "2026-11-20" }, host: 1 });
  });
  it("covers well over a hundred utterances", () => expect(cases.length).toBeGreaterThan(150));
});

describe("dates in the community's timezone (today is Sunday 2026-11-22)", () => {
  it.each([
    ["2026-11-20", "2026-11-20"],
    ["2026/11/20", "2026-11-20"],
    ["2026.11.20", "2026-11-20"],
    ["2026年11月20日", "2026-11-20"],
    ["11月20日", "2026-11-20"],
    ["11月20号", "2026-11-20"],
    ["十一月十九日", "2026-11-19"],
    ["二〇二六年十一月二十日", "2026-11-20"],
    ["昨天", "2026-11-21"],
    ["前天", "2026-11-20"],
    ["今天", "2026-11-22"],
    ["本周五", "2026-11-20"],
    ["这周一", "2026-11-16"],
    ["上周三下午2点", "2026-11-11"],
    ["上周日", "2026-11-15"],
    ["周三", "2026-11-18"],
    ["星期五", "2026-11-20"],
    ["礼拜二", "2026-11-17"],
    ["２０２６－１１－２０", "2026-11-20"],
    ["１１月２０日", "2026-11-20"],
    ["昨天下午3点", "2026-11-21"],
    ["11/20", "2026-11-20"],
    ["12月31日", "2026-12-31"],
    ["上週三", "2026-11-11"],
  ])("%s → %s", (word, date) => {
    expect(understand(`/记录 示范课 ${word} 二小`).args?.date).toMatchObject({ date });
  });

  // A date typed apart (issue 23, deliverable 3): the same recogniser as the meeting commands.
  it.each([
    ["12月 9日", "2026-12-09"],
    ["12月\u30009日", "2026-12-09"],
    ["12 月 9 日", "2026-12-09"],
    ["１２ 月 ９ 日", "2026-12-09"],
    ["12月 9号", "2026-12-09"],
    ["12月9号", "2026-12-09"],
    ["2026 年 11 月 20 日", "2026-11-20"],
    ["2026年 11月 20日", "2026-11-20"],
  ])("typed apart: %s → %s", (word, date) => {
    expect(understand(`/记录 示范课 ${word} 二小`).args).toMatchObject({ kind: "示范课", date: { date }, host: 1 });
    expect(understand(`/记录 ${word} 示范课 二小 语文`).args).toMatchObject({ kind: "示范课", date: { date }, host: 1, subject: "语文" });
  });

  it("joins only a date's pieces: not across punctuation, not numbers without 月, and refuses a day that does not exist", () => {
    expect(() => understand("/记录 示范课 12月，9日 二小")).toThrow(/没看懂「12月」/);
    expect(() => understand("/记录 示范课 3 5日 二小")).toThrow(/没看懂「3」/);
    expect(() => understand("/记录 示范课 12月 40日 二小")).toThrow(/日期「12月 40日」不存在/);
  });

  it("keeps the time of day when given", () => {
    expect(understand("/记录 示范课 上周三下午2点 二小").args?.date).toEqual({ date: "2026-11-11", time: "14:00" });
  });

  it("resolves 昨天 in Beijing time, not UTC (00:30 Beijing is still the previous day in UTC)", () => {
    const env = { ...understandEnv(), now: new Date("2026-11-22T16:30:00Z") }; // Monday 00:30 in Beijing
    expect(understand("/记录 示范课 昨天 二小", env).args?.date).toMatchObject({ date: "2026-11-22" });
  });

  it("refuses a day that does not exist, in Chinese", () => {
    expect(() => understand("/记录 示范课 2月30日 二小")).toThrow(/不存在/);
  });
});

function understandEnv() {
  return { now: new Date("2026-11-22T04:00:00Z"), zone: "Asia/Shanghai", schools: [{ id: 1, fullName: "清涧县第二小学", shortNames: ["二小"], role: "core" as const }] };
}

describe("what people actually type", () => {
  it.each([
    ["/记录 示范课 11月20日 二小 语文", { kind: "示范课", host: 1, subject: "语文" }],
    ["／记录　示范课　１１月２０日　二小　语文", { kind: "示范课", host: 1, subject: "语文", date: { date: "2026-11-20" } }],
    ["@教联体助手 /记录 示范课 11月20日 二小", { kind: "示范课", host: 1 }],
    ["@教联体助手  @张三 /记录 听课 昨天 双庙", { kind: "听评课", host: 5 }],
    ["/記錄 示範課 11月20日 二小 語文", { kind: "示范课", subject: "语文" }],
    ["/記錄 聽課 本週五 郝家也 數學", { kind: "听评课", host: 2, subject: "数学", date: { date: "2026-11-20" } }],
    ["/记录 二小 语文 11月20日 示范课", { kind: "示范课", host: 1, subject: "语文" }],
    ["/记录 示范课\n11月20日\n二小", { kind: "示范课", host: 1 }],
    ["/记录   示范课    11月20日     二小", { kind: "示范课", host: 1 }],
    ["/记录 类型=示范课 日期=11月20日 主办=二小 学科=语文", { kind: "示范课", host: 1, subject: "语文" }],
    ["/记录 类型＝示范课 日期＝11月20日 主办＝二小", { kind: "示范课", host: 1 }],
    ["/记录 类型：示范课 日期：11月20日 主办：二小", { kind: "示范课", host: 1 }],
    ["/记录 类型= 示范课 日期= 11月20日 主办= 二小", { kind: "示范课", host: 1 }],
    ["/记录 示范课 11月20日 二小 郝家也 双庙", { host: 1, schools: [2, 5] }],
    ["/记录 示范课 11月20日 二小 参与=郝家也、双庙", { host: 1, schools: [2, 5] }],
    ["/记录 示范课 11月20日 二小 参与=郝家也,双庙", { host: 1, schools: [2, 5] }],
    ["/记录 示范课 11月20日 主办=二小 郝家也，双庙", { host: 1, schools: [2, 5] }],
    ["/记录 示范课 11月20日 清涧县第二小学", { host: 1 }],
    ["/记录 示范课 11月20日 二小 《分数的意义》", { title: "分数的意义" }],
    ["/记录 示范课 11月20日 二小 《认识 人民币》", { title: "认识 人民币" }],
    ["/记录 示范课 11月20日 二小 课题=圆的认识", { title: "圆的认识" }],
    ["/记录 示范课 11月20日 二小 35人", { headcount: 35 }],
    ["/记录 示范课 11月20日 二小 人数=40", { headcount: 40 }],
    ["/记录 示范课 11月20日 二小 ３５人", { headcount: 35 }],
    ["/记录 示范课 11月20日 二小 备注=效果很好，大家满意", { notes: "效果很好，大家满意" }],
    ["/记录 示范课 11月20日 二小 备注=效果 很好 人数=30", { notes: "效果 很好", headcount: 30 }],
    ["/记录 示范课 11月20日 二小 主讲=张老师、李老师", { people: ["张老师", "李老师"] }],
    ["/记录 示范课 11月20日 二小 李老师执教 语文", { host: 1, subject: "语文", people: ["李老师"] }],
    ["/记录 专题讲座 11月20日 二小 王芳主讲 张校长作报告", { host: 1, people: ["王芳", "张校长"] }],
    ["/记录 示范课 11月20日 二小 主讲=李明执教", { people: ["李明"] }],
    ["/记录 送教 11月20日 二小到双庙 语文", { giver: 1, host: 5, subject: "语文" }],
    ["/记录 示范课 11月20日 二小→郝家也", { giver: 1, host: 2 }],
    ["/记录 送教 11月20日 二小送教双庙 参与=郝家也", { giver: 1, host: 5, schools: [2] }],
    ["/record 示范课 11月20日 二小", { kind: "示范课" }],
    ["/RECORD 示范课 11月20日 二小", { kind: "示范课" }],
    ["/记录 送课下乡 2026年11月20日 二小 参与=寨沟 英语 30人", { kind: "示范课", schools: [4], subject: "英语", headcount: 30 }],
    ["/记录 联席会 本周六 二小 参与=郝家也、店则沟、寨沟、双庙", { kind: "联席会议", schools: [2, 3, 4, 5] }],
    ["/记录 挂职锻炼 11月1日 郝家也 备注=一周", { kind: "挂职", host: 2, notes: "一周" }],
    ["/记录 捐赠 11月2日 二小 参与=双庙 备注=十台手提电脑", { kind: "物资援助", schools: [5] }],
    ["/记录 同课异构 周三 二小 数学 《角的度量》", { kind: "同课异构", subject: "数学", title: "角的度量" }],
    ["/记录 德育 昨天 店则沟", { kind: "德育活动", host: 3 }],
  ] as const)("%s", (typed, expected) => {
    expect(understand(typed).args).toMatchObject(expected);
  });

  it("asks for the kind when it is missing instead of failing", () => {
    const { result } = understand("/记录 11月20日 二小");
    expect(result).toMatchObject({ kind: "missing", field: { name: "kind" } });
  });

  it.each(["/记录 示范课 11月20日 二校", "/记录 示范课 11月20日 二小 哈哈哈", "/记录 示范课 类型=不存在"])("refuses %s with a Chinese reason", (typed) => {
    try {
      understand(typed);
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e)).toBe(true);
      // A near miss ("二校") is asked about as a choice; a word near nothing is explained.
      expect((e as Error).message).toMatch(/没看懂|是「二小」吗/);
    }
  });
});

describe("the other commands", () => {
  it.each([
    ["/学校 添加 清涧县第二小学 核心 二小 第二小学", "学校", { action: "add", fullName: "清涧县第二小学", role: "core", shortNames: ["二小", "第二小学"] }],
    ["/学校 列表", "学校", { action: "list" }],
    ["/學校 新增 寨沟中心小学 成員 寨沟", "学校", { action: "add", fullName: "寨沟中心小学", role: "member", shortNames: ["寨沟"] }],
    ["/school add 双庙中心小学 member 双庙", "学校", { action: "add", role: "member" }],
    ["/成员 张三 二小 校长", "成员", { name: "张三", school: 1, role: "principal" }],
    ["/成员 李四 郝家也 联络员", "成员", { name: "李四", school: 2, role: "coordinator" }],
    ["/成員 王五 雙廟 管理員", "成员", { name: "王五", school: 5, role: "admin" }],
    ["/member 赵六 店则沟 teacher", "成员", { name: "赵六", school: 3, role: "teacher" }],
    ["/修改 12 日期=11月21日 人数=40", "修改", { number: 12, date: { date: "2026-11-21" }, headcount: 40 }],
    ["/修改 #12 课题=《圆的认识》", "修改", { number: 12, title: "圆的认识" }],
    ["/edit 3 学科=数学", "修改", { number: 3, subject: "数学" }],
    ["/撤销 12", "撤销", { number: 12 }],
    ["/撤銷 ＃１２", "撤销", { number: 12 }],
    ["/undo 7", "撤销", { number: 7 }],
    ["/列表", "列表", {}],
    ["/列表 示范课 本月", "列表", { kind: "示范课", period: "本月" }],
    ["/列表 本周", "列表", { period: "本周" }],
    ["/list 听课 本学期", "列表", { kind: "听评课", period: "本学期" }],
    ["/结对 王老师 李老师 语文", "结对", { mentor: "王老师", mentee: "李老师", subject: "语文" }],
    ["/結對 王老師 李老師 數學", "结对", { mentor: "王老师", mentee: "李老师", subject: "数学" }],
    ["/pair 王老师 李老师", "结对", { mentor: "王老师", mentee: "李老师" }],
    ["/进度", "进度", {}],
    ["/进度 二小", "进度", { school: 1 }],
    ["/進度 雙廟", "进度", { school: 5 }],
    ["/帮助", "帮助", {}],
    ["/帮助 记录", "帮助", { topic: "记录" }],
    ["/幫助 記錄", "帮助", { topic: "记录" }],
    ["/help", "帮助", {}],
    ["/绑定 清涧县第二小学教育共同体", "绑定", { name: "清涧县第二小学教育共同体" }],
    ["/绑定 城关 教育 联盟", "绑定", { name: "城关 教育 联盟" }],
    ["/綁定 清澗縣第二小學教育共同體", "绑定", { name: "清涧县第二小学教育共同体" }],
  ] as const)("%s", (typed, command, expected) => {
    const got = understand(typed);
    expect(got.command).toBe(command);
    expect(got.args).toMatchObject(expected);
  });
});
