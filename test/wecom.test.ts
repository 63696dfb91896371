/**
 * WeCom end to end: the real @wecom/aibot-node-sdk in the bot talks to a local fake WeCom over
 * loopback; messages go through the real queue, worker and database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { FakeWecom, type Frame, type Received, textOf } from "./fakes/wecom.ts";
import { waitFor } from "./fakes/http-util.ts";
import { startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";
import { WecomAdapter } from "../bot/wecom/adapter.ts";
import { activitiesForChat } from "../db/activities.ts";

let fake: FakeWecom;
let app: App;
const BOT = "jlbot";

beforeAll(async () => {
  fake = await new FakeWecom({ [BOT]: "s3cret" }, { webhookLimit: 3, webhookWindowMs: 1500 }).start();
  app = await startTestApp({
    ...fake.botEnv(BOT),
    WECOM_HEARTBEAT_MS: "300",
    ROBOT_RATE_LIMIT: "3",
    ROBOT_RATE_WINDOW_MS: "2000",
  });
  await fake.waitForLive();
});

afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

/** Sends a message into a WeCom group and returns the bot's passive reply to it. */
async function says(chatId: string | undefined, userId: string, text: string): Promise<{ frame: Frame; reply: Received }> {
  const frame = await fake.userSays({ chatId, userId, text });
  const reply = await fake.waitForReceived((r) => r.reqId === frame.headers.req_id && r.cmd === "aibot_respond_msg", 10_000, `reply to ${text}`);
  return { frame, reply };
}

async function boundWecomGroup() {
  const chatId = unique("wc");
  const admin = unique("wu");
  await says(chatId, admin, `/绑定 ${unique("共同体")}`);
  await says(chatId, admin, "/学校 添加 清涧县第二小学 核心 二小");
  await says(chatId, admin, "/学校 添加 郝家也中心小学 成员 郝家也");
  return { chatId, admin };
}

async function recordsIn(chatId: string) {
  return (await activitiesForChat(app.db, "wecom", chatId, true)) ?? [];
}

describe("WeCom 智能机器人 through the long connection", () => {
  it("turns a group message into a record and answers on the same req_id with buttons", async () => {
    const { chatId, admin } = await boundWecomGroup();
    const { reply } = await says(chatId, admin, "/记录 示范课 11月20日 二小 语文");
    expect(textOf(reply)).toMatch(/已记录 #1/);
    expect(reply.body.msgtype).toBe("stream_with_template_card");
    const card = reply.body.template_card as { card_type: string; button_list: { text: string; key: string }[] };
    expect(card.card_type).toBe("button_interaction");
    expect(card.button_list.map((b) => b.text)).toEqual(["确认", "撤销", "加照片", "再记一条"]);
    expect(await recordsIn(chatId)).toHaveLength(1);
  });

  it("answers /表单 with a card that opens the form (text_notice: card_action and jump_list to the link), 1:1 only without web sign-in", async () => {
    const { chatId, admin } = await boundWecomGroup();
    // Without web sign-in a link in the group would work for anyone there, as the asker.
    const inGroup = await says(chatId, admin, "/表单");
    expect(textOf(inGroup.reply)).toMatch(/群里不发这个链接[\s\S]*请与我单聊发送同一条命令/);
    const { reply } = await says(undefined, admin, "/表单");
    const card = reply.body.template_card as { card_type: string; card_action: { type: number; url: string }; jump_list: { type: number; title: string; url: string }[] };
    expect(card.card_type).toBe("text_notice");
    expect(card.card_action).toEqual({ type: 1, url: expect.stringMatching(/\/f\//) });
    expect(card.jump_list).toEqual([{ type: 1, title: "登记活动", url: card.card_action.url }]);
    expect((await fetch(card.card_action.url)).status).toBe(200);
  });

  it("answers voice (already transcribed) and 1:1 messages", async () => {
    const frame = await fake.userSays({ userId: unique("wu"), text: "/帮助", voice: true });
    const reply = await fake.waitForReceived((r) => r.reqId === frame.headers.req_id);
    expect(textOf(reply)).toMatch(/记录/);
  });

  it("makes one record from a callback delivered twice", async () => {
    const { chatId, admin } = await boundWecomGroup();
    const frame = await fake.userSays({ chatId, userId: admin, text: "/记录 听评课 11月19日 二小 数学" });
    await fake.redeliver(frame);
    await fake.redeliver(frame);
    await fake.waitForReceived((r) => r.reqId === frame.headers.req_id);
    await new Promise((r) => setTimeout(r, 300));
    expect(await recordsIn(chatId)).toHaveLength(1);
  });

  it("loses nothing when the gateway drops the connection mid-conversation", async () => {
    const { chatId, admin } = await boundWecomGroup();
    const frame = await fake.userSays({ chatId, userId: admin, text: "/记录 教研活动 11月18日 二小" });
    fake.dropAll();
    // The reply still arrives (on the new connection), and the conversation goes on.
    const reply = await fake.waitForReceived((r) => (r.reqId === frame.headers.req_id || r.body.chatid === chatId) && /已记录 #1/.test(textOf(r)), 15_000);
    expect(textOf(reply)).toMatch(/已记录 #1/);
    const next = await says(chatId, admin, "/记录 示范课 11月20日 二小");
    expect(textOf(next.reply)).toMatch(/已记录 #2/);
    expect(await recordsIn(chatId)).toHaveLength(2);
  });

  it("a click on 撤销 revokes the record and updates the card within 5 s", async () => {
    const { chatId, admin } = await boundWecomGroup();
    const { reply } = await says(chatId, admin, "/记录 示范课 11月20日 二小 语文");
    const card = reply.body.template_card as { task_id: string; button_list: { text: string; key: string }[] };
    const undo = card.button_list.find((b) => b.text === "撤销")!;
    const click = await fake.clickButton({ taskId: card.task_id, key: undo.key, userId: admin, chatId });
    const update = await fake.waitForReceived((r) => r.reqId === click.headers.req_id, 5000, "card update");
    expect(update.cmd).toBe("aibot_respond_update_msg");
    expect(update.body.userids).toEqual([admin]);
    const updated = update.body.template_card as { task_id: string; main_title: { title: string } };
    expect(updated.task_id).toBe(card.task_id);
    expect(updated.main_title.title).toMatch(/已撤销 #1/);
    expect((await recordsIn(chatId))[0]?.revoked).toBe(true);
  });

  it("asks with a vote card when a short name fits two schools, and the vote makes the record", async () => {
    const { chatId, admin } = await boundWecomGroup();
    await says(chatId, admin, "/学校 添加 双庙中心小学 成员 双庙");
    const { reply } = await says(chatId, admin, "/记录 示范课 11月20日 中心小学 语文");
    expect(textOf(reply)).toMatch(/可以指 郝家也中心小学、双庙中心小学/);
    const card = reply.body.template_card as { card_type: string; task_id: string; checkbox: { option_list: { id: string; text: string }[] } };
    expect(card.card_type).toBe("vote_interaction");
    const option = card.checkbox.option_list.find((o) => o.text === "郝家也中心小学")!;
    const vote = await fake.submitVote({ taskId: card.task_id, optionId: option.id, userId: admin, chatId });
    const update = await fake.waitForReceived((r) => r.reqId === vote.headers.req_id, 5000, "vote update");
    expect((update.body.template_card as { main_title: { title: string } }).main_title.title).toMatch(/已记录 #1/);
    const records = await recordsIn(chatId);
    expect(records).toHaveLength(1);
    expect(records[0]?.hostSchool).toBe("郝家也中心小学");
  });

  it("welcomes a user who opens the 1:1 chat, within 5 s", async () => {
    const frame = await fake.enterChat(unique("wu"));
    const welcome = await fake.waitForReceived((r) => r.reqId === frame.headers.req_id, 5000, "welcome");
    expect(welcome.cmd).toBe("aibot_respond_welcome_msg");
    expect(JSON.stringify(welcome.body)).toMatch(/帮助/);
  });

  it("replaces a connection that is open but silent", async () => {
    const before = fake.conns.length;
    fake.silent = true;
    await waitFor(() => fake.conns.length > before, 10_000, "a new connection");
    fake.silent = false;
    await fake.waitForLive();
    const { reply } = await says(undefined, unique("wu"), "/帮助");
    expect(textOf(reply)).toMatch(/记录/);
  });

  it("keeps running through every malformed frame the gateway can send", async () => {
    await fake.waitForLive();
    const junk: (string | Buffer)[] = [
      "",
      "not json",
      "{",
      "[]",
      "null",
      "42",
      JSON.stringify({}),
      JSON.stringify({ cmd: "aibot_msg_callback" }),
      JSON.stringify({ cmd: "aibot_msg_callback", headers: {} }),
      JSON.stringify({ cmd: "aibot_msg_callback", headers: { req_id: "x" }, body: null }),
      JSON.stringify({ cmd: "aibot_msg_callback", headers: { req_id: "x" }, body: { msgtype: "text" } }),
      JSON.stringify({ cmd: "aibot_msg_callback", headers: { req_id: "x" }, body: { msgtype: "text", msgid: 5, from: "u", text: { content: 7 } } }),
      JSON.stringify({ cmd: "aibot_msg_callback", headers: { req_id: "x" }, body: { msgtype: "text", msgid: "m".repeat(5000), from: { userid: "u" }, text: { content: "/帮助" } } }),
      JSON.stringify({ cmd: "aibot_msg_callback", headers: { req_id: "x" }, body: { msgtype: "image", msgid: "i1", from: { userid: "u" }, image: { url: "http://x" } } }),
      JSON.stringify({ cmd: "aibot_event_callback", headers: { req_id: "y" }, body: { msgtype: "event", event: null } }),
      JSON.stringify({
        cmd: "aibot_event_callback",
        headers: { req_id: "y" },
        body: { msgtype: "event", msgid: "e", from: { userid: "u" }, event: { eventtype: "template_card_event", template_card_event: { task_id: 5 } } },
      }),
      JSON.stringify({
        cmd: "aibot_event_callback",
        headers: { req_id: "y" },
        body: {
          msgtype: "event",
          msgid: "e2",
          from: { userid: "u" },
          event: { eventtype: "template_card_event", template_card_event: { task_id: "nope", selected_items: { selected_item: [{ option_ids: { option_id: ["c99"] } }] } } },
        },
      }),
      JSON.stringify({ headers: { req_id: "unknown" }, errcode: 0 }),
      JSON.stringify({ cmd: "weird", headers: { req_id: 1 } }),
      Buffer.from([0xff, 0xfe, 0x00, 0x01]),
      "\u0000\u0001{}",
      JSON.stringify({ cmd: "aibot_msg_callback", headers: { req_id: "z" }, body: { msgtype: "text", msgid: "t", from: { userid: "u" }, chattype: "group", text: { content: "x".repeat(100_000) } } }),
    ];
    for (const j of junk) fake.sendRaw(j);
    const { reply } = await says(undefined, unique("wu"), "/帮助");
    expect(textOf(reply)).toMatch(/记录/);
  });

  it("a newer connection of the same bot takes over without a reconnect war", async () => {
    const adapter = new WecomAdapter({ bot: { botId: BOT, secret: "s3cret", wsUrl: fake.wsUrl, heartbeatMs: 300 }, redis: undefined as never, prefix: "x", log: app.log });
    // Our app's connection is replaced by this second instance's.
    await adapter.start(async () => ({ jobId: "", existed: false }));
    await waitFor(() => adapter.connection?.state === "online", 5000, "second instance online");
    const mine = fake.conns.length;
    await new Promise((r) => setTimeout(r, 1500));
    // The replaced instance did not reconnect (no new connections), and the newer one is live.
    expect(fake.conns.length).toBe(mine);
    expect(fake.live()?.ws).toBe(fake.conns[fake.conns.length - 1]?.ws);
    // The replaced app is deaf now: /healthz says so, and which connection.
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { platforms: { platform: string; part?: string; state: string; healthy: boolean }[] };
    expect(body.platforms).toContainEqual(expect.objectContaining({ platform: "wecom", part: "bot", state: "replaced", healthy: false }));
    expect(adapter.status()[0]?.state).toBe("connected");
    await adapter.stop();
  });
});
