/**
 * Any text of any length and bytes gets a result or a short Chinese error: no stack trace, no
 * crash, no partial record. Every endpoint is tried with malformed requests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, get, post, startTestApp } from "./support/harness.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const STACK = /\n\s+at |Error:|undefined|null|\[object/;

describe("malformed commands get a Chinese answer with usage and an example", () => {
  const inputs = [
    "/",
    "/ ",
    "//",
    "///记录",
    "/记录",
    "/记录 =",
    "/记录 类型=",
    "/记录 类型=示范课 日期=",
    "/记录 《",
    "/记录 》》》",
    "/记录 示范课 13月40日 二小",
    "/记录 示范课 2月30日 二小",
    "/记录 示范课 1999年1月1日 二小",
    "/记录 示范课 11月20日 二小 -5人",
    "/记录 示范课 11月20日 二小 人数=0",
    "/记录 示范课 11月20日 二小 人数=abc",
    "/记录 示范课 11月20日 二小 人数=99999999999",
    "/修改",
    "/修改 abc",
    "/修改 1",
    "/修改 -1 人数=3",
    "/撤销 99999999999999999999",
    "/撤销 0",
    "/撤销 ；",
    "/成员",
    "/成员 张三",
    "/学校 添加",
    "/学校 添加 x",
    "/学校 删除 二小",
    "/结对 甲",
    "/结对 甲 甲",
    "/进度 不存在的学校",
    "/帮助 不存在",
    "/列表 去年",
    "/绑定 x",
    `/绑定 ${"长".repeat(100)}`,
    `/记录 示范课 11月20日 二小 备注=${"很".repeat(600)}`,
    `/记录 示范课 11月20日 二小 《${"题".repeat(200)}》`,
    '/记录 \'; DROP TABLE "Activity"; --',
    "/记录 示范课 11月20日 二小 学科=火星语",
    "/确认",
    "/确认 abc",
    "/确认 99999999999",
    "/推送群 添加",
    "/推送群 添加 名称",
    "/推送群 添加 名称 not-a-url",
    "/推送群 添加 名称 http://127.0.0.1/robot/send",
    "/推送群 删除",
    "/推送群 ？？",
    "/通知",
    "/通知 只有名称",
    "/通知 不存在 内容",
    "/关联",
    "/关联 12345",
    "/关联 1234567",
    "/关联 张三",
    "/关联 张三 火星",
    "/关联码",
    "/学期 设置",
    "/学期 设置 2026-09-01",
    "/学期 设置 2027-01-16 2026-09-01",
    "/学期 设置 2026-09-01 2026-09-10",
    "/学期 设置 2026-09-01 2028-09-01",
    `/学期 设置 2026-09-01 2027-01-16 ${"名".repeat(40)}`,
    "/学期 设置 13月40日 2027-01-16",
    "/学期 秋季学期",
    "/学期 设置 abc def",
    "/目标 设置",
    "/目标 设置 示范课",
    "/目标 设置 示范课 核心校→成员校",
    "/目标 设置 示范课 核心校→成员校 0",
    "/目标 设置 示范课 核心校→成员校 9999",
    "/目标 设置 火星课 共同体 2",
    "/目标 设置 示范课 火星→成员校 2",
    "/目标 设置 示范课 核心校→核心校 2",
    "/目标 模板",
    "/目标 模板 不存在",
    "/目标 删除",
    "/目标 删除 999",
    "/目标 删除 火星",
    "/目标 ？？",
    "/进度 详细 详细",
    "/列表 计划 去年",
    "/记录 示范课 11月20日 二小 主讲校=火星",
    "/修改 1 主讲校=火星",
    "/记录 示范课 45号 二小",
    "/记录 示范课 10.45 二小",
    "/记录 示范课 11月20日 二小 约人",
    "/导出",
    "/导出 火星",
    "/导出 台账 2026-09-01",
    "/导出 台账 2026-12-31 2026-09-01",
    "/导出 总结 不存在的学校",
    "/区县",
    "/区县 创建",
    "/区县 绑定",
    "/区县 绑定 不存在 ABCDEFGH",
    "/区县 进度",
    "/区县 导出 台账",
    "/区县 飞",
    "/区县 退出",
    "/周报 火星",
    "/周报 订阅 退订",
    `/周报 ${"订".repeat(400)}`,
    "/设置 周报 周八 8:00",
    "/设置 周报 周一",
    "/设置 周报 周一 25:00",
    "/设置 周报 周一 8:00 多余",
    "/设置 周报 群",
    "/设置 周报 群 半开",
    "/设置 周报 8:00 周一",
    "/设置 周报 群 关 关",
    "/表单 不存在的类型",
    "/表单 示范课 多余的词",
    "/表单 ' OR 1=1",
    "/\u0000\u0001\u0002",
    "/记录 \ud800\udfff\ud800",
    "/记录 😀😀😀",
    "/abcdefghijklmnopqrstuvwxyz".repeat(20),
  ];
  it.each(inputs)("%j", async (text) => {
    const g = await boundGroup(app);
    const reply = await g.says(text);
    expect(reply.length).toBeGreaterThan(0);
    expect(reply).not.toMatch(STACK);
    expect(reply).toMatch(/[\u4e00-\u9fff]/);
    expect(await g.activities()).toHaveLength(0);
  });

  it("usage errors are one line and one example, not the whole usage", async () => {
    const g = await boundGroup(app);
    const reply = await g.says("/记录 示范课 11月20日 火星校");
    const [reason, example, ...more] = reply.split("\n");
    expect(reason).toMatch(/没看懂「火星校」/);
    expect(example).toBe("例如：/记录 示范课 11月20日 二小 语文");
    expect(more).toEqual([]);
  });

  it("a near miss is offered as a choice, without the whole usage text", async () => {
    const g = await boundGroup(app);
    expect(await g.says("/记录 示范课 11月20日 二校")).toBe("「二校」是「二小」吗？\n点选项或回复「是」，也可直接发送：/记录 示范课 11月20日 二小");
    expect(await g.activities()).toHaveLength(0);
  });

  it("random bytes never crash the bot or leave a partial record", async () => {
    const g = await boundGroup(app);
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = ["/", "记录", "示范课", "=", "：", "《", "》", "二小", " ", "\n", "11月", "20日", "人", "、", "#", "\u0000", "😀", "x", "9"];
    let recorded = 0;
    for (let i = 0; i < 60; i++) {
      const text = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
      const reply = await g.says(text);
      expect(reply).not.toMatch(STACK);
      if (/已记录/.test(reply)) recorded++;
    }
    expect(await g.activities()).toHaveLength(recorded);
  });
});

describe("long messages", () => {
  it("refuses over 4,000 characters politely and records nothing", async () => {
    const g = await boundGroup(app);
    const reply = await g.says(`/记录 示范课 11月20日 二小 备注=${"好".repeat(4100)}`);
    expect(reply).toMatch(/消息太长了（超过4000字）/);
    expect(await g.activities()).toHaveLength(0);
  });
});

describe("malformed HTTP requests", () => {
  it.each([
    ["not JSON", "{nope"],
    ["empty object", {}],
    ["missing text", { chatId: "g", userId: "u" }],
    ["text is a number", { chatId: "g", userId: "u", text: 5 }],
    ["blank chatId", { chatId: "  ", userId: "u", text: "/帮助" }],
    ["array", [1, 2, 3]],
    ["chatType invalid", { chatId: "g", userId: "u", text: "/帮助", chatType: "channel" }],
  ])("POST /sim/messages with %s → 400 in Chinese", async (_name, body) => {
    const res = await post(app, "/sim/messages", body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/[\u4e00-\u9fff]/);
    expect(JSON.stringify(res.body)).not.toMatch(/\n\s+at /);
  });

  it("a body over the size limit → 413 in Chinese", async () => {
    const res = await post(app, "/sim/messages", { chatId: "g", userId: "u", text: "x".repeat(3_000_000) });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/太大/);
  });

  it.each(["/sim/outbox", "/sim/activities", "/sim/replies", "/sim/outbox?chatId="])("GET %s without a chat → 400", async (path) => {
    const res = await get<{ error: string }>(app, path);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/缺少 chatId/);
  });

  it("an unbound chat's activities → 404 in Chinese", async () => {
    const res = await get<{ error: string }>(app, "/sim/activities?chatId=nobody-here");
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/还没有绑定/);
  });

  it("unknown paths → 404 JSON", async () => {
    const res = await get<{ error: string }>(app, "/nope");
    expect(res.status).toBe(404);
  });

  it("/sim refuses callers that are not on this machine", async () => {
    const res = await app.http.inject({ method: "POST", url: "/sim/messages", remoteAddress: "203.0.113.9", payload: { chatId: "g", userId: "u", text: "/帮助" } });
    expect(res.statusCode).toBe(403);
    const health = await app.http.inject({ method: "GET", url: "/healthz", remoteAddress: "203.0.113.9" });
    expect(health.statusCode).toBe(200);
  });
});
