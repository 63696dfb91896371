/**
 * Interactive cards in DingTalk's HTTP mode: at start the bot registers its card callback URL
 * for its route key with the fake DingTalk (POST /v1.0/card/callbacks/register); cards in groups
 * carry that route key; the fake posts a click to the registered URL; the command runs once and
 * the card is updated. Messages come in through the signed HTTP robot callback.
 */
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { CARD_CALLBACK_PATH, cardCallbackToken } from "../bot/dingtalk/card-callback-http.ts";
import { callbackSign } from "../bot/dingtalk/http-callback.ts";
import { activitiesForChat } from "../db/activities.ts";
import { FakeDingtalk, type Sent } from "./fakes/dingtalk.ts";
import { waitFor } from "./fakes/http-util.ts";
import { testPrefix, unique } from "./support/env.ts";
import { startTestApp } from "./support/harness.ts";

const APP = { clientId: "dinghttpcards", clientSecret: "dt-http-cards-secret" };
const ROUTE = "jiaolian_cards";
const PREFIX = testPrefix();
let fake: FakeDingtalk;
let app: App;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function httpApp(routeKey: string, prefix = testPrefix()): Promise<App> {
  const port = await freePort();
  return startTestApp({
    QUEUE_PREFIX: prefix,
    DINGTALK_CLIENT_ID: APP.clientId,
    DINGTALK_CLIENT_SECRET: APP.clientSecret,
    DINGTALK_API_BASE: fake.base,
    DINGTALK_OAPI_BASE: fake.base,
    DINGTALK_MODE: "http",
    DINGTALK_CARD_ROUTE_KEY: routeKey,
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: process.env.DEBUG_LOG ?? "silent",
  });
}

beforeAll(async () => {
  fake = await new FakeDingtalk(APP).start();
  app = await httpApp(ROUTE, PREFIX);
  await waitFor(() => fake.cardCallbacks.get(ROUTE), 10_000, "card callback registration");
});

afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

/** A group message through the signed HTTP robot callback; the answer comes through the OpenAPI (the fake knows no such session). */
async function says(to: App, conversationId: string, userId: string, text: string): Promise<Sent> {
  const before = fake.sent.length;
  const ts = String(Date.now());
  const res = await fetch(`${to.url}/dingtalk/callback`, {
    method: "POST",
    headers: { "content-type": "application/json", timestamp: ts, sign: callbackSign(APP.clientSecret, ts) },
    body: JSON.stringify({
      msgId: unique("m"),
      conversationId,
      conversationType: "2",
      senderStaffId: userId,
      senderNick: "王老师",
      msgtype: "text",
      text: { content: ` ${text}` },
      sessionWebhook: `${fake.base}/robot/sendBySession?session=none`,
      sessionWebhookExpiredTime: Date.now() + 60_000,
    }),
  });
  expect(res.status).toBe(200);
  return waitFor(() => fake.sent.slice(before).find((s) => s.target === conversationId), 20_000, `answer to ${text}`);
}

async function groupWithRecord(to: App) {
  const conversationId = unique("cid");
  const admin = unique("staff");
  await says(to, conversationId, admin, `/绑定 ${unique("共同体")}`);
  await says(to, conversationId, admin, "/学校 添加 清涧县第二小学 核心 二小");
  const reply = await says(to, conversationId, admin, "/记录 示范课 11月20日 二小 语文");
  return { conversationId, admin, reply };
}

const records = async (chatId: string) => (await activitiesForChat(app.db, "dingtalk", chatId, true)) ?? [];
const callbackUrl = () => fake.cardCallbacks.get(ROUTE)!.callbackUrl;
const pressBody = (cardBizId: string, userId: string, actionId: string) => ({
  outTrackId: cardBizId,
  userId,
  corpId: "dingcorp",
  type: "actionCallback",
  content: JSON.stringify({ cardPrivateData: { actionIds: [actionId], params: {} } }),
});
const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

describe("DingTalk HTTP mode: interactive cards", () => {
  it("registers its card callback URL at start: under the public base URL, with an apiSecret, the same URL on every start", () => {
    const route = fake.cardCallbacks.get(ROUTE)!;
    expect(route.callbackUrl).toBe(`${app.url}${CARD_CALLBACK_PATH}/${cardCallbackToken(APP.clientSecret, ROUTE)}`);
    expect(route.apiSecret).toBeTruthy();
    expect(route.apiSecret).not.toBe(cardCallbackToken(APP.clientSecret, ROUTE));
    expect(route.callbackUrl).not.toContain(APP.clientSecret);
    // Derived, not random: a restart registers the same URL again (idempotent); another app or route key gets another.
    expect(cardCallbackToken(APP.clientSecret, ROUTE)).toBe(cardCallbackToken(APP.clientSecret, ROUTE));
    expect(cardCallbackToken("other-secret", ROUTE)).not.toBe(cardCallbackToken(APP.clientSecret, ROUTE));
    expect(cardCallbackToken(APP.clientSecret, "other")).not.toBe(cardCallbackToken(APP.clientSecret, ROUTE));
  });

  it("a group card click runs its command once and the card is updated with the answer", async () => {
    const { conversationId, admin, reply } = await groupWithRecord(app);
    expect(reply.via).toBe("card");
    expect(reply.body.callbackRouteKey).toBe(ROUTE);
    const cardBizId = String(reply.body.cardBizId);
    const revoke = fake.cardButtons(cardBizId).find((b) => b.label === "撤销")!;
    expect(await fake.cardClickHttp({ userId: admin, cardBizId, actionId: revoke.id })).toBe(200);
    // The same press reported again (DingTalk retrying a callback) runs nothing a second time,
    // whether it comes while the first is queued or after its answer went out.
    expect(await fake.cardClickHttp({ userId: admin, cardBizId, actionId: revoke.id })).toBe(200);
    await waitFor(() => (fake.cards.get(cardBizId)?.updates ?? 0) >= 1, 20_000, "card update");
    expect(await fake.cardClickHttp({ userId: admin, cardBizId, actionId: revoke.id })).toBe(200);
    expect(JSON.stringify(fake.cards.get(cardBizId)!.data)).toMatch(/已撤销 #1/);
    expect((await records(conversationId))[0]?.revoked).toBe(true);
    await new Promise((r) => setTimeout(r, 800));
    expect(fake.cards.get(cardBizId)!.updates).toBe(1);
    expect(fake.sent.filter((s) => s.target === conversationId && /已撤销|已经撤销/.test(JSON.stringify(s.body)))).toHaveLength(1);
  });

  it.each([
    ["a forged URL (wrong path token)", (url: string) => url.replace(/[^/]+$/, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")],
    ["no path token", (url: string) => url.replace(/\/[^/]+$/, "/x")],
  ])("refuses %s with 403 and touches nothing", async (_what, forge) => {
    const { conversationId, admin, reply } = await groupWithRecord(app);
    const cardBizId = String(reply.body.cardBizId);
    const revoke = fake.cardButtons(cardBizId).find((b) => b.label === "撤销")!;
    const res = await post(forge(callbackUrl()), pressBody(cardBizId, admin, revoke.id));
    expect(res.status).toBe(403);
    await new Promise((r) => setTimeout(r, 800));
    expect((await records(conversationId))[0]?.revoked).toBe(false);
    expect(fake.cards.get(cardBizId)!.updates).toBe(0);
  });

  it("refuses a click on a card it never sent, or on a button the card does not have, with 403", async () => {
    const { conversationId, admin, reply } = await groupWithRecord(app);
    const unknown = await post(callbackUrl(), pressBody("f".repeat(40), admin, "btn_0"));
    expect(unknown.status).toBe(403);
    // A button id the card does not have.
    const wrongButton = await post(callbackUrl(), pressBody(String(reply.body.cardBizId), admin, "btn_9"));
    expect(wrongButton.status).toBe(403);
    await new Promise((r) => setTimeout(r, 500));
    expect((await records(conversationId))[0]?.revoked).toBe(false);
  });

  it("refuses a click on a card whose time is over (its registry entry gone, as after the 30-day TTL) with 403", async () => {
    const { conversationId, admin, reply } = await groupWithRecord(app);
    const cardBizId = String(reply.body.cardBizId);
    const revoke = fake.cardButtons(cardBizId).find((b) => b.label === "撤销")!;
    const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    try {
      expect(await redis.del(`${PREFIX}:dingtalk:card:${cardBizId}`)).toBe(1);
    } finally {
      redis.disconnect();
    }
    expect(await fake.cardClickHttp({ userId: admin, cardBizId, actionId: revoke.id })).toBe(403);
    await new Promise((r) => setTimeout(r, 500));
    expect((await records(conversationId))[0]?.revoked).toBe(false);
    expect(fake.cards.get(cardBizId)!.updates).toBe(0);
  });

  it.each([
    ["not JSON", "{oops"],
    ["JSON without the card fields", { hello: 1 }],
    ["content that is not JSON", { outTrackId: "a", userId: "u", content: "not json" }],
    ["content without actionIds", { outTrackId: "a", userId: "u", content: JSON.stringify({ cardPrivateData: {} }) }],
  ])("answers a malformed body (%s) with 400 and keeps serving", async (_what, body) => {
    const res = await post(callbackUrl(), body);
    expect(res.status).toBe(400);
    expect((await fetch(`${app.url}/healthz`)).status).toBeLessThan(500);
  });

  it("when DingTalk refuses the registration, groups get '@我 发送' hints instead of cards", async () => {
    fake.refuseCardRegistration = true;
    const calls = fake.cardRegisterCalls;
    const refused = await httpApp("jiaolian_refused");
    try {
      await waitFor(() => fake.cardRegisterCalls > calls, 10_000, "registration attempt");
      fake.refuseCardRegistration = false;
      expect(fake.cardCallbacks.has("jiaolian_refused")).toBe(false);
      const { reply } = await groupWithRecord(refused);
      expect(reply.via).toBe("group");
      expect(reply.body.msgKey).toBe("sampleMarkdown");
      expect(String(reply.body.msgParam)).toMatch(/@我 发送 \/撤销 1/);
      expect(fake.cardCallbacks.has("jiaolian_refused")).toBe(false);
    } finally {
      fake.refuseCardRegistration = false;
      await refused.close();
    }
  });
});
