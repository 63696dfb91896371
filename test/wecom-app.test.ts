/**
 * WeCom self-built app callbacks (WXBizMsgCrypt, checked against the sample vectors WeCom
 * publishes with its callback SDK samples) and group robot webhooks with their rate limit,
 * against the local fake WeCom's HTTP APIs.
 */
import { encrypt, getSignature } from "@wecom/crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { openCallback } from "../bot/wecom/callback-crypto.ts";
import { waitFor } from "./fakes/http-util.ts";
import { FakeWecom } from "./fakes/wecom.ts";
import { boundGroup, startTestApp, TEST_NOW } from "./support/harness.ts";
import { unique } from "./support/env.ts";

// The published sample (WeCom's WXBizMsgCrypt samples, document/path/90968).
const SAMPLE = {
  token: "QDG6eK",
  aesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  corpId: "wx5823bf96d3bd56c7",
  verify: {
    msg_signature: "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    timestamp: "1409659589",
    nonce: "263014780",
    echostr: "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
  },
  message: {
    msg_signature: "477715d11cdb4164915debcba66cb864d751f3e6",
    timestamp: "1409659813",
    nonce: "1372623149",
    encrypt:
      "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==",
  },
};

let fake: FakeWecom;
let app: App;
/** The same bot on the day WeCom's sample callbacks were signed (their timestamps are checked against the clock). */
let sampleDay: App;
const SAMPLE_NOW = new Date(1409659700 * 1000);
const appEnv = () => ({
  SIMULATOR: "true",
  WECOM_CORP_ID: SAMPLE.corpId,
  WECOM_APP_TOKEN: SAMPLE.token,
  WECOM_APP_AES_KEY: SAMPLE.aesKey,
  WECOM_APP_SECRET: "app-secret",
  WECOM_AGENT_ID: "218",
  WECOM_API_BASE: fake.apiBase,
  ROBOT_RATE_LIMIT: "3",
  ROBOT_RATE_WINDOW_MS: "2000",
});

beforeAll(async () => {
  fake = await new FakeWecom({}, { corpId: SAMPLE.corpId, corpSecret: "app-secret", webhookLimit: 3, webhookWindowMs: 1500 }).start();
  app = await startTestApp(appEnv());
  sampleDay = await startTestApp(appEnv(), () => SAMPLE_NOW);
});

afterAll(async () => {
  await app?.close();
  await sampleDay?.close();
  await fake?.stop();
});

const callback = (q: Record<string, string>, init?: RequestInit, to = app) => fetch(`${to.url}/wecom/callback?${new URLSearchParams(q)}`, init);
const xmlPost = (q: Record<string, string>, encrypted: string, to = app) =>
  callback(
    q,
    {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: `<xml><ToUserName><![CDATA[${SAMPLE.corpId}]]></ToUserName><AgentID><![CDATA[218]]></AgentID><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
    },
    to,
  );

/** A callback as WeCom would send it for a user's text message to the app (signed at `at`, by default the test clock). */
function sealed(text: string, from: string, msgId: string, corpId = SAMPLE.corpId, at = TEST_NOW) {
  const ts = String(Math.floor(at.getTime() / 1000));
  const inner = `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${msgId}</MsgId><AgentID>218</AgentID></xml>`;
  const enc = encrypt(SAMPLE.aesKey, inner, corpId);
  const q = { msg_signature: getSignature(SAMPLE.token, ts, "n1", enc), timestamp: ts, nonce: "n1" };
  return { q, enc };
}

describe("self-built app callback", () => {
  it("answers URL verification with the sample's plaintext", async () => {
    const res = await callback(SAMPLE.verify, undefined, sampleDay);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("1616140317555161061");
  });

  it("opens the sample message on its own day", () => {
    const { msg_signature, timestamp, nonce, encrypt: enc } = SAMPLE.message;
    const plain = openCallback(SAMPLE, { signature: msg_signature, timestamp, nonce }, enc, SAMPLE_NOW.getTime());
    expect(plain).toContain("<FromUserName><![CDATA[mycreate]]></FromUserName>");
  });

  it("accepts a message, answers at once and replies through the message API once, even when replayed", async () => {
    const user = unique("wu");
    const { q, enc } = sealed("你好", user, String(Date.now()));
    for (let i = 0; i < 3; i++) {
      const res = await xmlPost(q, enc);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("");
    }
    const call = await waitFor(() => fake.appCalls.find((c) => c.body.touser === user), 10_000, "app reply");
    expect(call.path).toBe("/cgi-bin/message/send");
    expect(call.body.agentid).toBe(218);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.appCalls.filter((c) => c.body.touser === user)).toHaveLength(1);
  });

  it("runs commands sent to the app and replies in markdown", async () => {
    const user = unique("wu");
    const { q, enc } = sealed("/帮助", user, String(Date.now()));
    expect((await xmlPost(q, enc)).status).toBe(200);
    const call = await waitFor(() => fake.appCalls.find((c) => c.body.touser === user), 10_000, "help reply");
    expect((call.body.markdown as { content: string }).content).toMatch(/记录/);
  });

  it.each([
    ["a tampered signature", () => ({ ...SAMPLE.verify, msg_signature: SAMPLE.verify.msg_signature.replace(/^5/, "6") })],
    ["a tampered echostr", () => ({ ...SAMPLE.verify, echostr: SAMPLE.verify.echostr.replace(/^P/, "Q") })],
    ["no signature", () => ({ timestamp: "1", nonce: "2", echostr: "abc" })],
  ])("refuses URL verification with %s (403)", async (_what, q) => {
    const res = await callback(q() as Record<string, string>, undefined, sampleDay);
    expect(res.status).toBe(403);
  });

  it("refuses a correctly signed callback whose timestamp is more than five minutes away (a replay), before decrypting it", async () => {
    const user = unique("wu");
    // The published sample, valid on its own day, is a 2014 replay today.
    expect((await callback(SAMPLE.verify)).status).toBe(403);
    const old = sealed("/帮助", user, String(Date.now()), SAMPLE.corpId, new Date(TEST_NOW.getTime() - 6 * 60_000));
    expect((await xmlPost(old.q, old.enc)).status).toBe(403);
    const late = sealed("/帮助", user, String(Date.now() + 1), SAMPLE.corpId, new Date(TEST_NOW.getTime() + 6 * 60_000));
    expect((await xmlPost(late.q, late.enc)).status).toBe(403);
    const fresh = sealed("/帮助", user, String(Date.now() + 2), SAMPLE.corpId, new Date(TEST_NOW.getTime() - 4 * 60_000));
    expect((await xmlPost(fresh.q, fresh.enc)).status).toBe(200);
    await waitFor(() => fake.appCalls.find((c) => c.body.touser === user), 10_000, "reply to the fresh one");
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.appCalls.filter((c) => c.body.touser === user)).toHaveLength(1);
  });

  it("refuses tampered, foreign and undecryptable messages with 403 and records nothing", async () => {
    const user = unique("wu");
    const good = sealed("/帮助", user, "m-tamper");
    const cases: [Record<string, string>, string][] = [
      [{ ...good.q, msg_signature: "0".repeat(40) }, good.enc],
      [good.q, `${good.enc.slice(0, -8)}AAAAAAA=`],
    ];
    // Correctly signed, but not a valid ciphertext / another corp's message.
    const junk = Buffer.from("x".repeat(64)).toString("base64");
    cases.push([{ ...good.q, msg_signature: getSignature(SAMPLE.token, good.q.timestamp, good.q.nonce, junk) }, junk]);
    const foreign = sealed("/帮助", user, "m-foreign", "wwanothercorp");
    cases.push([foreign.q, foreign.enc]);
    for (const [q, enc] of cases) expect((await xmlPost(q, enc)).status).toBe(403);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.appCalls.find((c) => c.body.touser === user)).toBeUndefined();
  });

  it("answers malformed requests with a short message, not a stack trace", async () => {
    const { q } = sealed("/帮助", "u", "m-bad");
    for (const body of ["", "not xml", "<xml><Nope/></xml>", "<xml><Encrypt></Encrypt></xml>", "<<<>"]) {
      const res = await callback(q, { method: "POST", headers: { "content-type": "text/xml" }, body });
      expect([400, 403]).toContain(res.status);
      expect(await res.text()).not.toMatch(/at \w+ \(/);
    }
    const json = await callback(q, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(json.status).toBe(400);
    expect((await callback({}, { method: "POST", headers: { "content-type": "text/xml" }, body: "<xml/>" })).status).toBe(403);
  });
});

describe("group robot webhook pushes", () => {
  it("refuses a webhook URL on another host, and a bad secret", async () => {
    const g = await boundGroup(app, { schools: false });
    expect(await g.says("/推送群 添加 外部 https://evil.example.com/cgi-bin/webhook/send?key=abc")).toMatch(/不是企业微信群机器人或钉钉自定义机器人/);
    expect(await g.says(`/推送群 添加 教师群 ${fake.webhookUrl("k1")} SECnope`)).toMatch(/加签密钥只用于钉钉/);
    expect(await g.says("/推送群 删除 不存在")).toMatch(/没有名为/);
    expect(await g.says("/推送群 乱写")).toMatch(/没看懂/);
    expect(await g.says("/通知 不存在 开会")).toMatch(/没有名为「不存在」的推送群/);
  });

  it("delays pushes over the robot's limit and drops none, also after the platform's own throttling answer", async () => {
    const g = await boundGroup(app, { schools: false });
    const key = unique("key");
    expect(await g.says(`/推送群 添加 教师群 ${fake.webhookUrl(key)}`)).toMatch(/已设置推送群「教师群」/);
    expect(await g.says("/推送群 列表")).toMatch(/教师群（企业微信）.*key=/);
    fake.forceWebhookThrottle = 1;
    const start = Date.now();
    for (let i = 1; i <= 7; i++) expect(await g.says(`/通知 教师群 第${i}条通知`)).toMatch(/已排队发送/);
    const ok = () => fake.webhookCalls.filter((c) => c.key === key && c.errcode === 0);
    await waitFor(() => ok().length >= 7, 20_000, "all 7 pushes");
    const texts = ok().map((c) => (c.body.markdown as { content: string }).content);
    for (let i = 1; i <= 7; i++) expect(texts.filter((t) => t.includes(`第${i}条通知`))).toHaveLength(1);
    // Only the forced answer was refused: our own limiter never went over 3 per 1.5 s.
    expect(fake.webhookCalls.filter((c) => c.key === key && c.errcode !== 0)).toHaveLength(1);
    // 7 messages at 3 per window need at least two more windows.
    expect(ok()[6]!.at - start).toBeGreaterThanOrEqual(2 * 1500 - 100);
    expect(await g.says("/推送群 删除 教师群")).toMatch(/已删除推送群「教师群」/);
    expect(await g.says("/通知 教师群 还在吗")).toMatch(/没有名为「教师群」的推送群/);
  }, 30_000);
});
