/**
 * Tell before keeping (PIPL 第17条): the first reply to an account the bot keeps carries a one-line
 * notice with a link to the 隐私说明 page; /隐私 shows the whole statement with the community's
 * contact and periods; /设置 shows and (admins) changes them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, Chat, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp({ FORM_SECRET: "n".repeat(40), RETENTION_MESSAGE_DAYS: "90" });
});
afterAll(async () => app?.close());

const NOTICE = /个人信息提示：.*不用于评价或排名教师个人.*\/我的数据.*\/注销.*完整说明：http:\/\/127\.0\.0\.1:\d+\/privacy/;
const identitiesOf = (userId: string) => app.db.platformIdentity.findMany({ where: { platform: "sim", userId } });

describe("the notice", () => {
  it("comes once, with the first reply that follows keeping a new account, in a group", async () => {
    const admin = new Chat(app, unique("g"), unique("u"), "王主任");
    expect(await admin.says(`/绑定 ${unique("共同体")}`)).toMatch(NOTICE); // the binder is kept too
    await admin.says("/学校 添加 清涧县第二小学 核心 二小");
    const teacher = admin.as(unique("u"), "李老师");
    expect(await teacher.says("/记录 示范课 11月20日 二小 语文")).toMatch(/已记录[\s\S]*个人信息提示/);
    expect(await teacher.says("/列表")).not.toMatch(/个人信息提示/);
    expect(await admin.says("/列表")).not.toMatch(/个人信息提示/);
    const [identity] = await identitiesOf(teacher.userId);
    expect(identity?.noticedAt).toBeInstanceOf(Date);
  });

  it("rides on the one reply to several records in one message, once", async () => {
    const admin = await boundGroup(app);
    const teacher = admin.as(unique("u"), "冯老师");
    const week = ["/记录 示范课 11月20日 二小 语文", "/记录 集体备课 11月21日 二小"].join("\n");
    expect(await teacher.says(week)).toMatch(/已记录[\s\S]*个人信息提示/);
    expect(await teacher.says(week.replaceAll("11月2", "11月1"))).not.toMatch(/个人信息提示/);
  });

  it("reaches accounts kept before the notice existed (noticedAt null after the migration) with their next reply", async () => {
    const admin = await boundGroup(app);
    await app.db.platformIdentity.updateMany({ where: { platform: "sim", userId: admin.userId }, data: { noticedAt: null } });
    expect(await admin.says("/列表")).toMatch(NOTICE);
    expect(await admin.says("/列表")).not.toMatch(NOTICE);
  });

  it("keeps nobody on a refused first command that runs in a transaction, and tells nothing then", async () => {
    const admin = await boundGroup(app);
    const stranger = admin.as(unique("u"), "路人");
    expect(await stranger.says("/成员 张三 二小 校长")).toMatch(/只有管理员可以设置成员/);
    expect(stranger.last).not.toMatch(/个人信息提示/);
    expect(await identitiesOf(stranger.userId)).toHaveLength(0);
  });

  it("comes with the refusal when the single-statement /记录 kept the account before it refused", async () => {
    const admin = await boundGroup(app);
    const teacher = admin.as(unique("u"), "赵老师");
    expect(await teacher.says("/记录 示范课 13月45日 二小")).toMatch(NOTICE);
    expect(await identitiesOf(teacher.userId)).toHaveLength(1);
    expect(await teacher.says("/记录 示范课 13月45日 二小")).not.toMatch(NOTICE);
  });

  it("comes in a 1:1 chat too (the community of the account's only membership)", async () => {
    const admin = await boundGroup(app);
    const teacher = admin.as(unique("u"), "钱老师");
    await app.db.member.create({
      data: {
        communityId: (await app.db.chatGroup.findFirstOrThrow({ where: { chatId: admin.chatId } })).communityId,
        displayName: "钱老师",
        identities: { create: { communityId: (await app.db.chatGroup.findFirstOrThrow({ where: { chatId: admin.chatId } })).communityId, platform: "sim", userId: teacher.userId } },
      },
    });
    const dm = new Chat(app, teacher.userId, teacher.userId, "钱老师");
    expect(await dm.says("/列表", { chatType: "direct" })).toMatch(NOTICE);
    expect(await dm.says("/列表", { chatType: "direct" })).not.toMatch(NOTICE);
  });
});

describe("/隐私 and the page", () => {
  it("/隐私 shows the statement with the community's contact and periods, any time, to anyone", async () => {
    const admin = await boundGroup(app);
    expect(await admin.says("/设置 隐私 联系人 王主任 13800000000")).toMatch(/联系人：王主任 13800000000/);
    const teacher = admin.as(unique("u"), "孙老师");
    const text = await teacher.says("/隐私");
    expect(text).toMatch(/隐私说明[\s\S]*个人信息联系人：王主任 13800000000[\s\S]*保存 90 天后删除[\s\S]*监护人同意[\s\S]*\/我的数据[\s\S]*\/注销/);
    expect(text).not.toMatch(/个人信息提示/); // the statement itself told them; no second line
    const dm = new Chat(app, unique("dm"), unique("u"), "陌生人");
    expect(await dm.says("/隐私", { chatType: "direct" })).toMatch(/个人信息联系人：未设置/);
  });

  it("GET /privacy serves the same statement as a page", async () => {
    const res = await fetch(`${app.url}/privacy`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toMatch(/保存什么[\s\S]*不用于评价或排名教师个人[\s\S]*保存 90 天后删除[\s\S]*GPS/);
  });
});

describe("/设置 隐私", () => {
  it("shows the periods in /设置, and only an admin changes them", async () => {
    const admin = await boundGroup(app);
    expect(await admin.says("/设置")).toMatch(/个人信息联系人：未设置[\s\S]*保存 90 天后删除[\s\S]*之后再 1 个学期/);
    expect(await admin.says("/设置 隐私 消息 200天")).toMatch(/保存 200 天/);
    expect(await admin.says("/设置 隐私 照片 2学期")).toMatch(/之后再 2 个学期/);
    expect(await admin.says("/设置 隐私")).toMatch(/保存 200 天后删除[\s\S]*之后再 2 个学期/);
    const teacher = admin.as(unique("u"), "周老师");
    expect(await teacher.says("/设置 隐私")).toMatch(/保存 200 天后删除/);
    expect(await teacher.says("/设置 隐私 消息 30天")).toMatch(/只有管理员可以修改隐私设置/);
    expect(await admin.says("/设置 隐私")).toMatch(/保存 200 天后删除/);
  });

  it("refuses bad input with an example and changes nothing", async () => {
    const admin = await boundGroup(app);
    expect(await admin.says("/设置 隐私 消息 三天")).toMatch(/30 到 3650.*例如：\/设置 隐私 消息 180天/);
    expect(await admin.says("/设置 隐私 消息 5天")).toMatch(/30 到 3650/);
    expect(await admin.says("/设置 隐私 照片 99学期")).toMatch(/0 到 10.*例如/);
    expect(await admin.says("/设置 隐私 联系人")).toMatch(/请写上联系人，例如/);
    expect(await admin.says(`/设置 隐私 联系人 ${"长".repeat(61)}`)).toMatch(/不超过60个字/);
    expect(await admin.says("/设置 隐私 期限 3")).toMatch(/没看懂「期限」[\s\S]*\/设置 隐私 联系人/);
    expect(await admin.says("/设置 隐私")).toMatch(/联系人：未设置[\s\S]*保存 90 天后删除[\s\S]*之后再 1 个学期/);
  });
});
