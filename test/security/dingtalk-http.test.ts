/**
 * DingTalk's HTTP callback signs only the timestamp, not the body: a captured pair must not carry
 * a forged body, and a body must not choose where the answer goes. Against the local fake
 * DingTalk (OpenAPI on loopback) and a catcher standing in for an attacker's server.
 */
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app/app.ts";
import { callbackSign } from "../../bot/dingtalk/http-callback.ts";
import { sessionWebhookAllowed } from "../../bot/dingtalk/session-webhook.ts";
import { FakeDingtalk, type Sent } from "../fakes/dingtalk.ts";
import { waitFor } from "../fakes/http-util.ts";
import { unique } from "../support/env.ts";
import { startTestApp } from "../support/harness.ts";

const APP = { clientId: "dingsecurity", clientSecret: "dt-security-secret" };
let fake: FakeDingtalk;
let app: App;
let catcher: Server;
const caught: string[] = [];

beforeAll(async () => {
  fake = await new FakeDingtalk(APP).start();
  catcher = createServer((req, res) => {
    caught.push(req.url ?? "");
    res.end('{"errcode":0}');
  });
  await new Promise<void>((r) => catcher.listen(0, "127.0.0.1", r));
  app = await startTestApp({ ...fake.botEnv(), DINGTALK_MODE: "http" });
});
afterAll(async () => {
  await app?.close();
  await fake?.stop();
  await new Promise((r) => catcher?.close(r));
});

const catcherUrl = () => `http://127.0.0.1:${(catcher.address() as AddressInfo).port}/robot/sendBySession?session=stolen`;
const textOf = (s: Sent) => JSON.stringify(s.body);

function body(user: string, text: string, sessionWebhook?: string) {
  return {
    msgId: unique("m"),
    conversationId: unique("cid"),
    conversationType: "1",
    senderStaffId: user,
    senderNick: "李",
    msgtype: "text",
    text: { content: text },
    ...(sessionWebhook ? { sessionWebhook, sessionWebhookExpiredTime: Date.now() + 60 * 60_000 } : {}),
  };
}

const post = (headers: Record<string, string>, b: unknown) =>
  fetch(`${app.url}/dingtalk/callback`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(b) });
const signed = (at = Date.now()) => ({ timestamp: String(at), sign: callbackSign(APP.clientSecret, String(at)) });

describe("DingTalk HTTP callback", () => {
  it("accepts each (timestamp, sign) pair once: a replay with another body is refused", async () => {
    const [victim, forger] = [unique("s"), unique("s")];
    const pair = signed();
    expect((await post(pair, body(victim, "/帮助"))).status).toBe(200);
    expect((await post(pair, body(forger, "/帮助"))).status).toBe(403);
    expect((await post(pair, body(victim, "/帮助"))).status).toBe(403);
    await waitFor(() => fake.sent.find((s) => s.target === victim), 10_000, "the genuine message's answer");
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.sent.filter((s) => s.target === forger)).toHaveLength(0);
  });

  it("refuses a correctly signed pair more than five minutes old (DingTalk's own hour is too long)", async () => {
    for (const offset of [-6 * 60_000, 6 * 60_000, -59 * 60_000]) expect((await post(signed(Date.now() + offset), body(unique("s"), "/帮助"))).status, String(offset)).toBe(403);
    expect((await post(signed(Date.now() - 4 * 60_000), body(unique("s"), "/帮助"))).status).toBe(200);
  });

  it("never posts an answer to a session webhook off DingTalk's hosts: it answers through the OpenAPI", async () => {
    const user = unique("s");
    expect((await post(signed(), body(user, "/帮助", catcherUrl()))).status).toBe(200);
    const reply = await waitFor(() => fake.sent.find((s) => s.target === user), 10_000, "answer through the OpenAPI");
    expect(textOf(reply)).toMatch(/记录/);
    expect(caught).toHaveLength(0);
  });

  it("checks the signature before reading the body: a forger's announced megabyte is never waited for", async () => {
    const { hostname, port } = new URL(app.url);
    const answer = await new Promise<{ text: string; ms: number }>((resolve) => {
      const start = Date.now();
      let text = "";
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST /dingtalk/callback HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\ntimestamp: ${Date.now()}\r\nsign: AAAA\r\n\r\n{`);
      });
      const stop = setTimeout(() => socket.destroy(), 8_000);
      socket.on("data", (d) => (text += String(d)));
      socket.on("error", () => undefined);
      socket.on("close", () => {
        clearTimeout(stop);
        resolve({ text, ms: Date.now() - start });
      });
    });
    expect(answer.text).toMatch(/^HTTP\/1\.1 403/);
    expect(answer.ms).toBeLessThan(2_000);
  });
});

describe("session webhook hosts", () => {
  const bases = ["https://oapi.dingtalk.com", "https://api.dingtalk.com"];
  it.each([
    ["https://oapi.dingtalk.com/robot/sendBySession?session=abc", true],
    ["https://api.dingtalk.com/robot/sendBySession?session=abc", true],
    ["https://evil.example/robot/sendBySession?session=abc", false],
    ["https://oapi.dingtalk.com.evil.example/robot/sendBySession?session=abc", false],
    ["https://user:pw@oapi.dingtalk.com/robot/sendBySession?session=abc", false],
    ["http://oapi.dingtalk.com/robot/sendBySession?session=abc", false],
    ["https://oapi.dingtalk.com/robot/send?access_token=abc", false],
    ["https://oapi.dingtalk.com:8443/robot/sendBySession?session=abc", false],
    ["not a url", false],
  ])("%s → %s", (url, ok) => {
    expect(sessionWebhookAllowed(url, bases)).toBe(ok);
  });
});
