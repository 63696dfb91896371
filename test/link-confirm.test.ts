/** /确认, and linking one person's accounts: by a one-time code, or merged by an admin. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { activitiesForChat } from "../db/activities.ts";
import { boundGroup, Chat, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe("/确认", () => {
  it("marks a record as checked once, and refuses revoked or unknown ones", async () => {
    const g = await boundGroup(app);
    await g.says("/记录 示范课 11月20日 二小 语文");
    expect(await g.says("/确认 1")).toMatch(/已确认 #1/);
    expect(await g.says("/确认 1")).toMatch(/已确认过/);
    expect(await g.says("/列表")).toMatch(/#1 .* ✔/);
    expect(await g.says("/确认 99")).toMatch(/没有编号为 #99/);
    await g.says("/记录 示范课 11月21日 二小");
    await g.says("/撤销 2");
    expect(await g.says("/确认 2")).toMatch(/已撤销，不能确认/);
    expect(await g.says("/确认")).toMatch(/要确认哪条记录/);
  });
});

describe("linking accounts", () => {
  it("links a second account with a one-time code from a 1:1 chat", async () => {
    const g = await boundGroup(app);
    expect(await g.says("/关联码")).toMatch(/只在单聊中发放/);
    const direct = new Chat(app, unique("d"), g.userId, g.userName);
    const answer = await direct.says("/关联码", { chatType: "direct" });
    const code = /关联码：(\d{6})/.exec(answer)?.[1];
    expect(code).toBeDefined();
    // The same person on another account (in production: another platform) uses the code.
    const other = new Chat(app, unique("d"), unique("u"), "王主任");
    expect(await other.says(`/关联 ${code}`, { chatType: "direct" })).toMatch(/已关联.*王主任/);
    expect(await other.says(`/关联 ${code}`, { chatType: "direct" })).toMatch(/关联码不对或已过期/);
    // That account now acts as the admin in the community's group.
    const asOther = g.as(other.userId, "王主任");
    expect(await asOther.says("/成员 赵老师 二小 教师")).toMatch(/已添加成员：赵老师/);
    expect(await other.says("/关联 000000", { chatType: "direct" })).toMatch(/关联码不对或已过期/);
  });

  it("lets an admin merge a member who appeared under another name", async () => {
    const g = await boundGroup(app);
    await g.says("/成员 张三 二小 校长");
    const laozhang = g.as(unique("u"), "老张");
    await laozhang.says("/记录 示范课 11月20日 二小");
    expect(await laozhang.says("/关联 张三 模拟=老张")).toMatch(/只有管理员/);
    expect(await g.says("/关联 张三 火星")).toMatch(/用法/);
    expect(await g.says("/关联 张三 模拟=不存在")).toMatch(/没有找到/);
    expect(await g.says("/关联 张三 模拟=老张")).toMatch(/已把模拟上的「老张」关联到成员「张三」/);
    const [record] = (await activitiesForChat(app.db, "sim", g.chatId)) ?? [];
    expect(record?.recordedBy).toBe("张三");
    // The merged account now acts as 张三 (a principal), not as a new teacher.
    expect(await laozhang.says("/记录 听评课 11月21日 二小")).toMatch(/已记录 #2/);
    const rows = (await activitiesForChat(app.db, "sim", g.chatId)) ?? [];
    expect(rows.map((r) => r.recordedBy)).toEqual(["张三", "张三"]);
  });
});
