/** Copy on request (PIPL 第45条): /我的数据 in a 1:1 chat gives a signed link to a JSON file of everything kept about the sender. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, Chat, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp({ FORM_SECRET: "m".repeat(40) });
});
afterAll(async () => app?.close());

const linkIn = (text: string) => /https?:\/\/\S+\/my\/[A-Za-z0-9_.-]+/.exec(text)?.[0] ?? "";

describe("/我的数据", () => {
  it("sends a link to a file with the member, accounts, records, pairs and stored messages, of this account only", async () => {
    const admin = await boundGroup(app);
    const teacher = admin.as(unique("u"), "沈老师");
    await admin.says("/成员 沈老师 二小 教师");
    await teacher.says("/记录 示范课 11月20日 二小 《分数的意义》 备注=第一次");
    await admin.says("/结对 沈老师 王主任 数学");
    await admin.says("/记录 听评课 11月18日 郝家也 主讲=沈老师");
    const dm = new Chat(app, teacher.userId, teacher.userId, "沈老师");
    await dm.says("/关联 000000", { chatType: "direct" });
    const reply = await dm.says("/我的数据", { chatType: "direct" });
    expect(reply).toMatch(/全部信息[\s\S]*小时内有效，只发给你本人/);
    const res = await fetch(linkIn(reply));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment/);
    const data = (await res.json()) as { 平台账号: { 用户ID: string }; 共同体: Record<string, unknown>[] };
    expect(data.平台账号.用户ID).toBe(teacher.userId);
    expect(data).toMatchObject({ 发错的关联码: [expect.any(String)] });
    expect(data.共同体).toHaveLength(1);
    const c = data.共同体[0] as Record<string, unknown> & { 登记或确认的活动: { 课题: string; 备注: string }[]; 消息与回复: unknown[] };
    expect(c.成员).toMatchObject({ 姓名: "沈老师", 学校: "清涧县第二小学", 角色: ["teacher"] });
    expect(c.平台账号).toMatchObject([{ 平台: "sim", 用户ID: teacher.userId }]);
    expect(c.登记或确认的活动).toMatchObject([{ 类型: "示范课", 课题: "分数的意义", 备注: "第一次", 由你登记: true }]);
    expect(c.写到你名字的其他活动).toMatchObject([{ 类型: "听评课" }]);
    expect(c.师徒结对).toMatchObject([{ 导师: "沈老师", 徒弟: "王主任", 学科: "数学" }]);
    expect(c.消息与回复.length).toBeGreaterThan(0);
    // Nothing of the admin's own messages or account.
    expect(JSON.stringify(data)).not.toContain(admin.userId);
  });

  it("refuses a group, extra words, a tampered link and another kind of signed link", async () => {
    const admin = await boundGroup(app);
    expect(await admin.says("/我的数据")).toMatch(/请在和我的单聊中发送 \/我的数据/);
    const dm = new Chat(app, admin.userId, admin.userId, admin.userName);
    expect(await dm.says("/我的数据 全部", { chatType: "direct" })).toMatch(/只发送 \/我的数据/);
    const link = linkIn(await dm.says("/我的数据", { chatType: "direct" }));
    const [body, sig] = (link.split("/my/")[1] ?? "").split(".");
    const forged = Buffer.from(JSON.stringify({ w: "mydata", pl: "sim", u: "someone-else", exp: Date.now() * 2 })).toString("base64url");
    expect((await fetch(`${app.url}/my/${forged}.${sig}`)).status).toBe(403);
    expect((await fetch(`${app.url}/my/${body}`)).status).toBe(403);
    const form = /https?:\/\/\S+\/f\/([A-Za-z0-9_.-]+)/.exec(await admin.says("/表单 示范课"))?.[1] ?? "";
    expect((await fetch(`${app.url}/my/${form}`)).status).toBe(403);
  });
});
