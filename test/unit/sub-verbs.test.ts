/**
 * One way to declare sub-verbs: a leading choice field. The parser reads it from the first word
 * ("action word first"), so a free-text field after it gets the rest and never the verb; usage
 * and /帮助 are generated from the verb field's lines, never written by hand.
 */
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { field, fieldsOf } from "../../commands/core/fields.ts";
import { parseArgs } from "../../commands/core/parse.ts";
import { helpFor, usageLines, usageText } from "../../commands/core/usage.ts";
import { COMMANDS } from "../../commands/index.ts";
import { ENV, understand } from "./understand.ts";

const withRest = z.object({
  action: field(z.enum(["add", "list"]).optional(), {
    label: "添加|列表",
    keys: [],
    token: "choice",
    choices: { 添加: "add", 新增: "add", 列表: "list" },
    verbs: {
      add: [
        { args: "<名称> <地址>", does: "添加一个" },
        { args: "<名称>", does: "改名" },
      ],
      list: [],
    },
  }),
  text: field(z.string().optional(), { label: "内容", keys: [], token: "rest" }),
});
const withText = z.object({
  action: field(z.enum(["add", "list"]).optional(), { label: "添加|列表", keys: [], token: "choice", choices: { 添加: "add", 列表: "list" } }),
  name: field(z.string().optional(), { label: "名称", keys: [], token: "text" }),
});

const ok = (r: ReturnType<typeof parseArgs>) => (r.kind === "ok" ? r.args : undefined);

describe("action word first", () => {
  it("a leading choice takes the first word; the free text after it gets the rest, punctuation kept", () => {
    expect(ok(parseArgs(withRest, "添加 教师群 https://x.example/a?key=1，2", ENV))).toEqual({ action: "add", text: "教师群 https://x.example/a?key=1，2" });
    expect(ok(parseArgs(withRest, "列表", ENV))).toEqual({ action: "list" });
  });
  it("a verb word later in the text is the free text's, not the verb's", () => {
    expect(ok(parseArgs(withRest, "添加 列表 地址", ENV))).toEqual({ action: "add", text: "列表 地址" });
    expect(ok(parseArgs(withText, "添加 列表", ENV))).toEqual({ action: "add", name: "列表" });
  });
  it("a first word that is no verb leaves the verb empty and the whole text to the free text", () => {
    expect(ok(parseArgs(withRest, "乱写 添加", ENV))).toEqual({ text: "乱写 添加" });
  });
  it("a word of Object.prototype is no choice", () => {
    expect(ok(parseArgs(withRest, "constructor x", ENV))).toEqual({ text: "constructor x" });
    expect(ok(parseArgs(withText, "toString", ENV))).toEqual({ name: "toString" });
  });
  it("real commands: /设置 reads its sub-verb from the schema", () => {
    expect(understand("/设置 提醒 3天 2小时").args).toEqual({ what: "reminders", text: "3天 2小时" });
    expect(understand("/设置 假期 删除 2027-01-01").args).toEqual({ what: "holidays", text: "删除 2027-01-01" });
    expect(understand("/設置 週報 群 關").args).toEqual({ what: "digest", text: "群 关" });
    expect(understand("/设置 颜色 红").args).toEqual({ text: "颜色 红" });
  });
  it("real commands: /推送群 reads its sub-verb from the schema", () => {
    const url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc";
    expect(understand(`/推送群 添加 教师群 ${url}`).args).toEqual({ action: "add", text: `教师群 ${url}` });
    expect(understand("/推送群 删除 列表").args).toEqual({ action: "delete", text: "列表" });
    expect(understand("/推送群").args).toEqual({});
  });
  it("real commands: /会议 reads its sub-verb from the schema; the bot's own answers stay hidden fields", () => {
    expect(understand("/会议 安排 12月12日 14:00 二小 送课安排").args).toEqual({ action: "arrange", text: "12月12日 14:00 二小 送课安排" });
    expect(understand("/會議 改期 12月5日 12月12日").args).toEqual({ action: "move", text: "12月5日 12月12日" });
    expect(understand("/会议 议题 12月5日 取消 安排").args).toEqual({ action: "agenda", text: "12月5日 取消 安排" });
    expect(understand("/会议 开会吧").args).toEqual({ text: "开会吧" });
  });
});

describe("usage from the schema", () => {
  const c = { name: "测试", args: withRest };
  it("one line per declared verb line, the verb shown by its first word", () => {
    expect(usageLines(c)).toEqual(["/测试 添加 <名称> <地址>　添加一个", "/测试 添加 <名称>　改名", "/测试 列表"]);
    expect(usageText(c, "list")).toBe("用法：\n/测试 列表");
  });
  it("/帮助 of a command with sub-verbs lists them", () => {
    const settings = COMMANDS.find((x) => x.name === "设置")!;
    const help = helpFor(settings);
    expect(help).toContain("用法：\n/设置 提醒 3天 2小时　会前多久提醒");
    expect(help).toContain("/设置 周报 群 关|开　群里简版");
    expect(help).toContain("/设置 隐私 联系人 王主任 13800000000");
    const pushes = helpFor(COMMANDS.find((x) => x.name === "推送群")!);
    expect(pushes).toContain("用法：\n/推送群 添加 名称 Webhook地址 [加签密钥SEC…]\n/推送群 列表\n/推送群 删除 名称\n");
    const meetings = helpFor(COMMANDS.find((x) => x.name === "会议")!);
    expect(meetings).toContain("用法：\n/会议 规则 <规则> [地点]　例如：/会议 规则 每月第一个周六 9:00 二小会议室\n/会议 安排 ");
    expect(meetings).toContain("/会议 改期 <原日期> [原时间] <新日期> [时间]　例如：/会议 改期 12月5日 12月12日");
  });
  it("every command's verb lines name values of its own choices, and every value has lines", () => {
    for (const command of COMMANDS) {
      const lead = fieldsOf(command.args)[0];
      if (!lead?.verbs) continue;
      const values = new Set(Object.values(lead.choices ?? {}));
      expect(new Set(Object.keys(lead.verbs)), command.name).toEqual(values);
    }
  });
});
