/**
 * Many organisations in one deployment (issue 20, item 5): one process holds two WeCom 智能机器人
 * (two corps: the legacy variables and an ORGANISATIONS entry) and two DingTalk apps (two orgs),
 * each against its own local fake over loopback, through the real SDKs, queue, worker and
 * database. Platform ids are unique only within an organisation, so the tests reuse one chat id,
 * user id and message id in both.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { activitiesForChat } from "../db/activities.ts";
import { FakeDingtalk, type Sent } from "./fakes/dingtalk.ts";
import { waitFor } from "./fakes/http-util.ts";
import { FakeWecom, type Received, textOf } from "./fakes/wecom.ts";
import { get, startTestApp } from "./support/harness.ts";
import { testPrefix, unique } from "./support/env.ts";
import { SCHEDULED_PUSH } from "../messages/producers.ts";

const DING_A = { clientId: "dingorga", clientSecret: "dt-secret-a" };
const DING_B = { clientId: "dingorgb", clientSecret: "dt-secret-b" };
let wa: FakeWecom;
let wb: FakeWecom;
let da: FakeDingtalk;
let db: FakeDingtalk;
let app: App;

beforeAll(async () => {
  [wa, wb, da, db] = await Promise.all([
    new FakeWecom({ bota: "wa-secret" }).start(),
    new FakeWecom({ botb: "wb-secret" }).start(),
    new FakeDingtalk(DING_A).start(),
    new FakeDingtalk(DING_B).start(),
  ]);
  const north = {
    key: "north",
    name: "北区",
    wecomBot: { botId: "botb", secret: "wb-secret", wsUrl: wb.wsUrl },
    dingtalk: { ...DING_B, apiBase: db.base, oapiBase: db.base, gatewayUrl: db.gatewayUrl },
  };
  app = await startTestApp({
    ...wa.botEnv("bota"),
    ...da.botEnv(),
    ORGANISATIONS: JSON.stringify([north]),
    WECOM_HEARTBEAT_MS: "300",
    DINGTALK_KEEPALIVE_MS: "300",
    QUEUE_PREFIX: testPrefix(),
    LOG_LEVEL: process.env.DEBUG_LOG ?? "silent",
  });
  await Promise.all([wa.waitForLive(), wb.waitForLive(), da.waitForOpen(), db.waitForOpen()]);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await Promise.all([wa?.stop(), wb?.stop(), da?.stop(), db?.stop()]);
});

const sends = (f: FakeWecom) => f.received.filter((r) => r.cmd.startsWith("aibot_respond") || r.cmd === "aibot_send_msg");

/** A WeCom user says `text` (in group `chatId`, or 1:1) to the bot of `fake`'s corp; the bot's passive reply. */
async function wsays(fake: FakeWecom, chatId: string | undefined, userId: string, text: string, msgid?: string): Promise<string> {
  const frame = await fake.userSays({ chatId, userId, text, ...(msgid ? { msgid } : {}) });
  const reply: Received = await fake.waitForReceived((r) => r.reqId === frame.headers.req_id && r.cmd === "aibot_respond_msg", 15_000, `reply to ${text}`);
  return textOf(reply);
}

/** A DingTalk user says `text` to `fake`'s org's robot; the text of what the bot sent back into that conversation. */
async function dsays(fake: FakeDingtalk, conversationId: string, userId: string, text: string, opts: { group?: boolean; msgId?: string; pictureCodes?: string[] } = {}): Promise<string> {
  const before = fake.sent.length;
  const m = await fake.userSays({ conversationId, userId, text, ...opts });
  const target = opts.group === false ? userId : conversationId;
  const mine = (s: Sent) => s.target === m.session || s.target === target;
  await waitFor(() => fake.sent.slice(before).find(mine), 20_000, `reply to ${text}`);
  await new Promise((r) => setTimeout(r, 300));
  return fake.sent
    .slice(before)
    .filter(mine)
    .map((s) => JSON.stringify(s.body))
    .join("\n");
}

describe("two WeCom corps in one process", () => {
  it("the same chat id and user id in two corps are two chats and two people, each answered by its own corp's bot", async () => {
    const chat = unique("wc");
    const user = unique("wu");
    const [a, b] = [unique("共同体"), unique("共同体")];
    expect(await wsays(wa, chat, user, `/绑定 ${a}`)).toMatch(/已创建共同体/);
    const beforeA = sends(wa).length;
    // Not the chat bound in the other corp: it is new, and so is its sender.
    expect(await wsays(wb, chat, user, "/进度")).toMatch(/绑定/);
    expect(await wsays(wb, chat, user, `/绑定 ${b}`)).toMatch(new RegExp(`已创建共同体「${b}」`));
    // Nothing of corp B's conversation went out through corp A's bot.
    expect(sends(wa).length).toBe(beforeA);
    await wsays(wa, chat, user, "/学校 添加 清涧县第二小学 核心 二小");
    await wsays(wb, chat, user, "/学校 添加 郝家也中心小学 核心 郝家也");
    // One message id in both corps: two messages, neither taken for a redelivery of the other.
    const msgid = unique("msg");
    expect(await wsays(wa, chat, user, "/记录 示范课 11月20日 二小 语文", msgid)).toMatch(/已记录 #1/);
    expect(await wsays(wb, chat, user, "/记录 示范课 11月20日 郝家也 语文", msgid)).toMatch(/已记录 #1/);
    const [inA, inB] = [await activitiesForChat(app.db, "wecom", chat), await activitiesForChat(app.db, "wecom", `north~${chat}`)];
    expect(inA?.map((r) => r.hostSchool)).toEqual(["清涧县第二小学"]);
    expect(inB?.map((r) => r.hostSchool)).toEqual(["郝家也中心小学"]);
    const communities = await app.db.chatGroup.findMany({ where: { chatId: { in: [chat, `north~${chat}`] } }, include: { community: true } });
    expect(communities.map((g) => g.community.name).sort()).toEqual([a, b].sort());
    const people = await app.db.platformIdentity.findMany({ where: { platform: "wecom", userId: { in: [user, `north~${user}`] } } });
    expect(new Set(people.map((p) => p.memberId)).size).toBe(2);
  });

  it("data stored before there were organisations stays the legacy corp's", async () => {
    // As the single-org version wrote them: bare ids.
    const chat = unique("wc");
    const user = unique("wu");
    const community = await app.db.community.create({ data: { name: unique("旧共同体"), chats: { create: { platform: "wecom", chatId: chat } } } });
    await app.db.member.create({
      data: { communityId: community.id, displayName: "老管理员", roles: ["admin"], identities: { create: { communityId: community.id, platform: "wecom", userId: user } } },
    });
    expect(await wsays(wa, chat, user, "/学校 添加 清涧县第二小学 核心 二小")).toMatch(/已添加/);
    expect(await wsays(wb, chat, user, "/学校 添加 清涧县第二小学 核心 二小")).not.toMatch(/已添加/);
    expect(await app.db.school.count({ where: { communityId: community.id } })).toBe(1);
  });
});

describe("two DingTalk orgs in one process", () => {
  it("the same conversation and staff id in two orgs are apart; each reply goes through the org it came from", async () => {
    const conversation = unique("cid");
    const staff = unique("staff");
    expect(await dsays(da, conversation, staff, `/绑定 ${unique("共同体")}`)).toMatch(/已创建共同体/);
    const beforeA = da.sent.length;
    expect(await dsays(db, conversation, staff, "/进度")).toMatch(/绑定/);
    expect(da.sent.length).toBe(beforeA);
    expect(await app.db.chatGroup.count({ where: { chatId: `north~${conversation}` } })).toBe(0);
  });

  it("a picture sent in org B is fetched with org B's app (a download code works only with the robot that received it)", async () => {
    const conversation = unique("cid");
    const staff = unique("staff");
    await dsays(db, conversation, staff, `/绑定 ${unique("共同体")}`);
    await dsays(db, conversation, staff, "/学校 添加 清涧县第二小学 核心 二小");
    const { jpegWithGps } = await import("./support/jpeg-gps.ts");
    const code = db.servePicture(jpegWithGps());
    const reply = await dsays(db, conversation, staff, "/记录 示范课 11月20日 二小 语文", { pictureCodes: [code] });
    expect(reply).toMatch(/已记录 #1/);
    expect(reply).toMatch(/收到照片 1 张/);
    expect(db.downloadCodeCalls.filter((c) => c.downloadCode === code)).toEqual([{ downloadCode: code, robotCode: DING_B.clientId, status: 200 }]);
    expect(da.downloadCodeCalls).toEqual([]);
  });
});

describe("across organisations", () => {
  it("one community with groups in two corps: the admin links their other account, binds the second group, and both groups see one /进度", async () => {
    const [chatA, chatB] = [unique("wc"), unique("wc")];
    const [adminA, adminB] = [unique("wu"), unique("wu")];
    const name = unique("共同体");
    await wsays(wa, chatA, adminA, `/绑定 ${name}`);
    await wsays(wa, chatA, adminA, "/学校 添加 清涧县第二小学 核心 二小");
    // Corp B's account of the same admin is a stranger to the community until linked.
    expect(await wsays(wb, chatB, adminB, `/绑定 ${name}`)).toMatch(/只有它的管理员可以把新群绑定到它/);
    const code = /关联码：(\d{6})/.exec(await wsays(wa, undefined, adminA, "/关联码"))?.[1];
    expect(code).toBeDefined();
    expect(await wsays(wb, undefined, adminB, `/关联 ${code}`)).toMatch(/已关联/);
    expect(await wsays(wb, chatB, adminB, `/绑定 ${name}`)).toMatch(/已把本群绑定到/);
    expect(await wsays(wa, chatA, adminA, "/记录 示范课 11月20日 二小 语文")).toMatch(/已记录 #1/);
    // One community, one numbering: the record from corp B's group is #2.
    expect(await wsays(wb, chatB, adminB, "/记录 听评课 11月21日 二小 数学")).toMatch(/已记录 #2/);
    const [progressA, progressB] = [await wsays(wa, chatA, adminA, "/进度"), await wsays(wb, chatB, adminB, "/进度")];
    expect(progressA).toBe(progressB);
    expect(progressA).toMatch(new RegExp(name));
  });

  it("a district sees communities from every organisation", async () => {
    const bureau = unique("staff");
    const district = `${unique("区")}教育局`;
    const created = await dsays(da, unique("dcid"), bureau, `/区县 创建 ${district}`, { group: false });
    const joinCode = /加入码：([A-Z0-9]+)/.exec(created)?.[1];
    expect(joinCode).toBeDefined();
    const [wecomName, dingName] = [unique("共同体"), unique("共同体")];
    const chat = unique("wc");
    const admin = unique("wu");
    await wsays(wb, chat, admin, `/绑定 ${wecomName}`);
    expect(await wsays(wb, chat, admin, `/区县 绑定 ${district} ${joinCode}`)).toMatch(/已加入/);
    const conversation = unique("cid");
    const staff = unique("staff");
    await dsays(db, conversation, staff, `/绑定 ${dingName}`);
    expect(await dsays(db, conversation, staff, `/区县 绑定 ${district} ${joinCode}`)).toMatch(/已加入/);
    const view = await dsays(da, unique("dcid"), bureau, "/区县 进度", { group: false });
    expect(view).toContain(wecomName);
    expect(view).toContain(dingName);
  });

  it("a scheduled push to a chat goes out through the bot of the chat's organisation, with that organisation's chat id", async () => {
    const chat = unique("wc");
    const conversation = unique("cid");
    await app.producers.outbound.add({ platform: "wecom", chatId: `north~${chat}`, chatType: "group", replies: [{ text: "北区周报" }] }, unique("push"), SCHEDULED_PUSH);
    await app.producers.outbound.add({ platform: "dingtalk", chatId: `north~${conversation}`, chatType: "group", replies: [{ text: "北区会议提醒" }] }, unique("push"), SCHEDULED_PUSH);
    const wecom = await wb.waitForReceived((r) => r.cmd === "aibot_send_msg" && r.body.chatid === chat, 15_000, "push in corp B");
    expect(textOf(wecom)).toMatch(/北区周报/);
    const ding = await waitFor(() => db.sent.find((s) => s.target === conversation), 15_000, "push in org B");
    expect(ding.via).toBe("group");
    expect(JSON.stringify(ding.body)).toMatch(/北区会议提醒/);
    expect(wa.received.some((r) => r.body.chatid === chat || r.body.chatid === `north~${chat}`)).toBe(false);
    expect(da.sent.some((s) => s.target === conversation || s.target === `north~${conversation}`)).toBe(false);
  });

  it("/healthz names each organisation's connection", async () => {
    const { body } = await get<{ platforms: { platform: string; part?: string; state: string }[] }>(app, "/healthz?verbose=1");
    const parts = body.platforms.map((p) => `${p.platform}/${p.part ?? ""}:${p.state}`).sort();
    expect(parts).toEqual(["dingtalk/default:connected", "dingtalk/north:connected", "wecom/default:bot:connected", "wecom/north:bot:connected"]);
  });
});
