/**
 * DingTalk end to end: the real dingtalk-stream client in the bot talks to a local fake DingTalk
 * over loopback (gateway, Stream socket, OpenAPI, session webhooks); messages go through the
 * real queue, worker and database.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { callbackSign } from "../bot/dingtalk/http-callback.ts";
import { dingtalkSign, signedDingtalkUrl } from "../bot/webhooks.ts";
import { activitiesForChat } from "../db/activities.ts";
import { FakeDingtalk, type Sent } from "./fakes/dingtalk.ts";
import { waitFor } from "./fakes/http-util.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";
import { testEnv, testPrefix, unique } from "./support/env.ts";
import { startApp } from "../app/app.ts";

const APP = { clientId: "dingjiaolian", clientSecret: "dt-app-secret" };
let fake: FakeDingtalk;
let app: App;
let prefix: string;

const dingEnv = (extra: Record<string, string> = {}) => ({
  ...fake.botEnv(),
  DINGTALK_KEEPALIVE_MS: "300",
  ...extra,
});

beforeAll(async () => {
  fake = await new FakeDingtalk(APP, { webhookSecret: "SEC0123456789abcdef0123456789abcdef", webhookLimit: 3, webhookWindowMs: 1500 }).start();
  prefix = testPrefix();
  app = await startTestApp({ ...dingEnv({ SIMULATOR: "true", ROBOT_RATE_LIMIT: "3", ROBOT_RATE_WINDOW_MS: "2000" }), QUEUE_PREFIX: prefix, LOG_LEVEL: process.env.DEBUG_LOG ?? "silent" });
  await fake.waitForOpen();
});

afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

const textOf = (s: Sent) => JSON.stringify(s.body);

async function says(conversationId: string, userId: string, text: string, opts: { sessionLifeMs?: number } = {}) {
  const before = fake.sent.length;
  const m = await fake.userSays({ conversationId, userId, text, ...opts });
  const reply = await waitFor(() => fake.sent.slice(before).find((s) => s.target === m.session || s.target === conversationId), 20_000, `reply to ${text}`);
  return { ...m, reply };
}

async function boundDingGroup() {
  const conversationId = unique("cid");
  const admin = unique("staff");
  await says(conversationId, admin, `/绑定 ${unique("共同体")}`);
  await says(conversationId, admin, "/学校 添加 清涧县第二小学 核心 二小");
  return { conversationId, admin };
}

const records = async (chatId: string) => (await activitiesForChat(app.db, "dingtalk", chatId, true)) ?? [];

describe("DingTalk Stream mode", () => {
  it("turns a group message into a record, acks it, and answers with a StandardCard whose buttons carry the commands", async () => {
    const { conversationId, admin } = await boundDingGroup();
    const { reply, streamMessageId } = await says(conversationId, admin, "/记录 示范课 11月20日 二小 语文");
    expect(reply.via).toBe("card");
    expect(reply.body.cardTemplateId).toBe("StandardCard");
    expect(reply.body.openConversationId).toBe(conversationId);
    expect(JSON.stringify(reply.body)).not.toContain("dtmd:");
    const cardBizId = String(reply.body.cardBizId);
    expect(JSON.stringify(fake.cards.get(cardBizId)?.data)).toMatch(/已记录 #1/);
    expect(fake.cardButtons(cardBizId).map((b) => b.label)).toEqual(["确认", "撤销", "加照片", "再记一条"]);
    expect(fake.acked(streamMessageId)).toBe(true);
    expect(await records(conversationId)).toHaveLength(1);
  });

  it("falls back to the OpenAPI when the session webhook has expired", async () => {
    const { conversationId, admin } = await boundDingGroup();
    const { reply } = await says(conversationId, admin, "/帮助", { sessionLifeMs: 1000 });
    expect(reply.via).toBe("group");
    expect(reply.body.robotCode).toBe(APP.clientId);
    expect(String(reply.body.msgParam)).toMatch(/记录/);
  });

  it("answers 1:1 messages through the OpenAPI to the user when the session is gone", async () => {
    const user = unique("staff");
    const before = fake.sent.length;
    await fake.userSays({ conversationId: unique("cid"), userId: user, text: "/帮助", group: false, sessionLifeMs: 1 });
    const reply = await waitFor(() => fake.sent.slice(before).find((s) => s.target === user), 10_000, "1:1 reply");
    expect(reply.via).toBe("user");
  });

  it("makes one record from a message DingTalk delivers twice (also after the ack)", async () => {
    const { conversationId, admin } = await boundDingGroup();
    const [conn] = await fake.waitForOpen();
    const first = await fake.userSays({ conversationId, userId: admin, text: "/记录 教研活动 11月18日 二小" });
    await waitFor(() => fake.acked(first.streamMessageId), 5000, "ack");
    const data = { conversationId, conversationType: "2", msgId: first.msgId, senderStaffId: admin, senderNick: "王", msgtype: "text", text: { content: "/记录 教研活动 11月18日 二小" } };
    fake.redeliver(conn!, data);
    fake.redeliver(conn!, data);
    await new Promise((r) => setTimeout(r, 500));
    expect(await records(conversationId)).toHaveLength(1);
  });

  it("loses no reply when the server sends a disconnect notice mid-conversation, and reconnects at once", async () => {
    const { conversationId, admin } = await boundDingGroup();
    const [conn] = await fake.waitForOpen();
    const count = fake.conns.length;
    const pending = says(conversationId, admin, "/记录 示范课 11月20日 二小");
    fake.disconnect(conn!, 3000);
    expect(textOf((await pending).reply)).toMatch(/已记录 #1/);
    await waitFor(() => fake.conns.length > count && fake.open().some((c) => c !== conn), 5000, "a new connection before the old one closed");
    const next = await fake.userSays({ conversationId, userId: admin, text: "/记录 示范课 11月21日 二小", to: fake.open().find((c) => c !== conn) });
    await waitFor(() => fake.sent.find((s) => s.target === conversationId && /已记录 #2/.test(textOf(s))), 10_000, "reply after reconnect");
    expect(next.session).toBeTruthy();
    expect(await records(conversationId)).toHaveLength(2);
    // The bot closed the old socket itself once the new one was up, well before the server's close.
    await waitFor(() => conn!.ws.readyState === conn!.ws.CLOSED, 2000, "old socket closed by the bot");
  });

  it("a card button pressed in a group runs its command once and the card is updated with the answer", async () => {
    const { conversationId, admin } = await boundDingGroup();
    const { reply } = await says(conversationId, admin, "/记录 示范课 11月20日 二小 语文");
    const cardBizId = String(reply.body.cardBizId);
    const revoke = fake.cardButtons(cardBizId).find((b) => b.label === "撤销")!;
    const [conn] = await fake.waitForOpen();
    const click = fake.cardClick(conn!, { userId: admin, cardBizId, actionId: revoke.id });
    // The same press reported twice (a callback retried after a lost ack) still runs once.
    fake.cardClick(conn!, { userId: admin, cardBizId, actionId: revoke.id });
    await waitFor(() => (fake.cards.get(cardBizId)?.updates ?? 0) >= 1, 10_000, "card update");
    const card = fake.cards.get(cardBizId)!;
    expect(JSON.stringify(card.data)).toMatch(/已撤销 #1/);
    expect(fake.cardButtons(cardBizId)).toEqual([]);
    expect(fake.acked(click)).toBe(true);
    expect((await records(conversationId))[0]?.revoked).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(card.updates).toBe(1);
  });

  it("never puts a dtmd link in a group; in a 1:1 chat the link's text reaches the bot", async () => {
    const { conversationId, admin } = await boundDingGroup();
    const before = fake.sent.length;
    await says(conversationId, admin, "/记录 示范课 11月20日 二小 语文");
    expect(
      fake.sent
        .slice(before)
        .filter((s) => s.target === conversationId || JSON.stringify(s.body).includes(conversationId))
        .some((s) => JSON.stringify(s.body).includes("dtmd:")),
    ).toBe(false);
    // 1:1: buttons are dtmd links, and tapping one sends its command.
    const user = unique("staff");
    const dm = unique("cid");
    const first = await fake.userSays({ conversationId: dm, userId: user, text: "/学校 添加 清涧县第二小学 核心 二小", group: false });
    const answer = await waitFor(() => fake.sent.find((s) => s.target === first.session), 10_000, "1:1 answer");
    expect(answer.via).toBe("session");
  });

  it("keeps running through malformed frames", async () => {
    const [conn] = await fake.waitForOpen();
    for (const junk of [
      "",
      "nope",
      "{",
      "null",
      "[]",
      JSON.stringify({ type: "CALLBACK" }),
      JSON.stringify({ type: "CALLBACK", headers: { topic: "/v1.0/im/bot/messages/get", messageId: "m1" }, data: "{bad" }),
      JSON.stringify({ type: "CALLBACK", headers: { topic: "/v1.0/im/bot/messages/get", messageId: "m2" }, data: JSON.stringify({ msgId: 1, text: 2 }) }),
      JSON.stringify({ type: "CALLBACK", headers: { topic: "/v1.0/card/instances/callback", messageId: "m3" }, data: JSON.stringify({ userId: "u", content: "{not json" }) }),
      JSON.stringify({ type: "SYSTEM", headers: {} }),
      JSON.stringify({ type: "EVENT", headers: { messageId: "e1" }, data: "x" }),
      // Card presses for a card we never sent, a button it does not have, no button at all.
      ...[
        { outTrackId: "nosuchcard", userId: "u", content: JSON.stringify({ cardPrivateData: { actionIds: ["btn_0"] } }) },
        { outTrackId: "nosuchcard", userId: "u", content: JSON.stringify({ cardPrivateData: { actionIds: ["btn_99"] } }) },
        { outTrackId: "x", userId: "u", content: JSON.stringify({ cardPrivateData: { actionIds: [] } }) },
        { outTrackId: 5, userId: null, content: 7 },
      ].map((d, i) => JSON.stringify({ type: "CALLBACK", headers: { topic: "/v1.0/card/instances/callback", messageId: `c${i}` }, data: JSON.stringify(d) })),
    ]) {
      fake.sendRaw(junk);
    }
    fake.push(conn!, "/v1.0/im/bot/messages/get", { msgId: "x", conversationId: "c", msgtype: "picture", senderStaffId: "u" });
    const { reply } = await says(unique("cid"), unique("staff"), "/帮助");
    expect(textOf(reply)).toMatch(/记录/);
  });

  it("replaces a socket that stops answering pings", async () => {
    const count = fake.conns.length;
    fake.silent = true;
    await waitFor(() => fake.conns.length > count, 10_000, "a new connection");
    fake.silent = false;
    const { reply } = await says(unique("cid"), unique("staff"), "/帮助");
    expect(textOf(reply)).toMatch(/记录/);
  });

  it("a second gateway of one app stands by (one Stream connection, healthy); a message delivered twice is handled once", async () => {
    const second = await startApp({ env: testEnv({ ...dingEnv(), QUEUE_PREFIX: prefix }) });
    try {
      // Active/standby (bot/connection-lease.ts): the first gateway holds the Stream, the second waits.
      const health = (await (await fetch(`${second.url}/healthz`)).json()) as { ok: boolean; platforms: { platform: string; state: string }[] };
      expect(health.ok).toBe(true);
      expect(health.platforms.find((p) => p.platform === "dingtalk")?.state).toBe("standby");
      await new Promise((r) => setTimeout(r, 500));
      const conns = await fake.waitForOpen(1);
      expect(conns).toHaveLength(1);
      const { conversationId, admin } = await boundDingGroup();
      const m = await fake.userSays({ conversationId, userId: admin, text: "/记录 示范课 11月20日 二小", to: conns[0] });
      const data = {
        conversationId,
        conversationType: "2",
        msgId: m.msgId,
        senderStaffId: admin,
        senderNick: "王",
        msgtype: "text",
        text: { content: "/记录 示范课 11月20日 二小" },
        sessionWebhook: `${fake.base}/robot/sendBySession?session=${m.session}`,
        sessionWebhookExpiredTime: Date.now() + 60_000,
      };
      for (const c of conns.slice(1)) fake.redeliver(c, data);
      const isAnswer = (s: Sent) => s.via === "card" && s.target === conversationId && /已记录/.test(textOf(s));
      await waitFor(() => fake.sent.find(isAnswer), 10_000, "reply");
      await new Promise((r) => setTimeout(r, 500));
      expect(await records(conversationId)).toHaveLength(1);
      expect(fake.sent.filter(isAnswer)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});

describe("DingTalk HTTP callback mode", () => {
  let httpApp: App;
  beforeAll(async () => {
    httpApp = await startTestApp(dingEnv({ DINGTALK_MODE: "http" }));
  });
  afterAll(async () => httpApp?.close());

  const post = (headers: Record<string, string>, body: unknown) =>
    fetch(`${httpApp.url}/dingtalk/callback`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  it("accepts a signed message, answers at once and replies on its session webhook", async () => {
    const conversationId = unique("cid");
    const ts = String(Date.now());
    const session = `${fake.base}/robot/sendBySession?session=none`;
    const res = await post(
      { timestamp: ts, sign: callbackSign(APP.clientSecret, ts) },
      {
        msgId: unique("m"),
        conversationId,
        conversationType: "1",
        senderStaffId: "s1",
        senderNick: "李",
        msgtype: "text",
        text: { content: "/帮助" },
        sessionWebhook: session,
        sessionWebhookExpiredTime: Date.now() + 60_000,
      },
    );
    expect(res.status).toBe(200);
    // The fake knows no such session: the bot falls back to the OpenAPI to the user.
    await waitFor(() => fake.sent.find((s) => s.target === "s1" && /记录/.test(textOf(s))), 10_000, "reply");
  });

  it.each([
    ["a wrong signature", () => ({ timestamp: String(Date.now()), sign: "AAAA" })],
    [
      "a signature made with another secret",
      () => {
        const ts = String(Date.now());
        return { timestamp: ts, sign: callbackSign("other", ts) };
      },
    ],
    [
      "a stale timestamp (2 hours old)",
      () => {
        const ts = String(Date.now() - 2 * 3600_000);
        return { timestamp: ts, sign: callbackSign(APP.clientSecret, ts) };
      },
    ],
    ["no headers", () => ({})],
  ])("refuses %s with 403 and records nothing", async (_what, headers) => {
    const msgId = unique("m");
    const res = await post(headers() as Record<string, string>, { msgId, conversationId: "c", senderStaffId: "s", msgtype: "text", text: { content: "/帮助" } });
    expect(res.status).toBe(403);
  });

  it("answers a signed but malformed body with 400", async () => {
    const ts = String(Date.now());
    const res = await post({ timestamp: ts, sign: callbackSign(APP.clientSecret, ts) }, { hello: 1 });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/钉钉机器人消息/);
  });
});

describe("links to web pages", () => {
  it("/表单 in a group is an ActionCard whose one button opens the form (an https link needs no @), for the asker signed in through DingTalk", async () => {
    const { conversationId, admin } = await boundDingGroup();
    const { reply } = await says(conversationId, admin, "/表单");
    const card = reply.body.msgtype === "actionCard" ? (reply.body.actionCard as { btns: { title: string; actionURL: string }[] }).btns[0] : undefined;
    const url = card?.actionURL ?? (JSON.parse(String(reply.body.msgParam ?? "{}")) as { singleURL?: string }).singleURL ?? "";
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/f\//);
    expect(url).not.toMatch(/^dtmd:/);
    // DingTalk apps always have 免登 (the same app credentials): the page first signs the browser in.
    const opened = await fetch(url, { redirect: "manual" });
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toMatch(/^\/login\/dingtalk\?next=%2Ff%2F/);
  });
});

describe("DingTalk custom robot webhook", () => {
  it('signs as documented: base64(HmacSHA256(secret, timestamp + "\\n" + secret)), URL-encoded', () => {
    const secret = "SECabc";
    const ts = 1577262236757;
    const byHand = encodeURIComponent(createHmac("sha256", secret).update(`${ts}\n${secret}`, "utf8").digest().toString("base64"));
    expect(dingtalkSign(secret, ts)).toBe(byHand);
    expect(signedDingtalkUrl("https://oapi.dingtalk.com/robot/send?access_token=x", secret, ts)).toBe(`https://oapi.dingtalk.com/robot/send?access_token=x&timestamp=${ts}&sign=${byHand}`);
  });

  it("pushes signed notices, holding back what is over 3 per window, dropping none", async () => {
    const g = await boundGroup(app, { schools: false });
    const token = unique("tok");
    expect(await g.says(`/推送群 添加 钉钉群 ${fake.webhookUrl(token)} SEC0123456789abcdef0123456789abcdef`)).toMatch(/已设置推送群「钉钉群」（钉钉）/);
    for (let i = 1; i <= 5; i++) await g.says(`/通知 钉钉群 第${i}条`);
    const ok = () => fake.sent.filter((s) => s.via === "webhook" && s.target === token && s.errcode === 0);
    await waitFor(() => ok().length >= 5, 15_000, "5 pushes");
    expect(fake.sent.filter((s) => s.via === "webhook" && s.target === token && s.errcode !== 0)).toHaveLength(0);
    expect(await g.says("/推送群 列表")).toMatch(/已加签/);
  }, 20_000);
});
