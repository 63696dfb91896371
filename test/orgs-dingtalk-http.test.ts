/**
 * Two DingTalk orgs' apps in HTTP callback mode in one process (issue 20, item 5): each app's
 * robot messages at its own path (/dingtalk/callback for the legacy variables,
 * /dingtalk/callback/<key> for an ORGANISATIONS entry), checked with that app's secret, and
 * answered through that app's OpenAPI (the loopback fakes of test/fakes/dingtalk.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { callbackSign } from "../bot/dingtalk/http-callback.ts";
import { FakeDingtalk } from "./fakes/dingtalk.ts";
import { waitFor } from "./fakes/http-util.ts";
import { unique } from "./support/env.ts";
import { startTestApp } from "./support/harness.ts";

const A = { clientId: "dinghttpa", clientSecret: "http-secret-a" };
const B = { clientId: "dinghttpb", clientSecret: "http-secret-b" };
let fa: FakeDingtalk;
let fb: FakeDingtalk;
let app: App;

beforeAll(async () => {
  fa = await new FakeDingtalk(A).start();
  fb = await new FakeDingtalk(B).start();
  const north = { key: "north", dingtalk: { ...B, mode: "http", apiBase: fb.base, oapiBase: fb.base } };
  app = await startTestApp({ ...fa.botEnv(), DINGTALK_MODE: "http", ORGANISATIONS: JSON.stringify([north]) });
});
afterAll(async () => {
  await app?.close();
  await fa?.stop();
  await fb?.stop();
});

/** A robot message DingTalk posts, signed with `secret`; its session webhook unknown, so the reply goes by the OpenAPI. */
function post(path: string, secret: string, staff: string, msgId: string) {
  const ts = String(Date.now());
  const body = {
    msgId,
    conversationId: unique("cid"),
    conversationType: "1",
    senderStaffId: staff,
    senderNick: "李",
    msgtype: "text",
    text: { content: "/帮助" },
    sessionWebhook: "http://127.0.0.1:9/robot/sendBySession?session=none",
    sessionWebhookExpiredTime: Date.now() + 60_000,
  };
  return fetch(`${app.url}${path}`, { method: "POST", headers: { "content-type": "application/json", timestamp: ts, sign: callbackSign(secret, ts) }, body: JSON.stringify(body) });
}

describe("two DingTalk orgs in HTTP mode", () => {
  it("takes each org's messages at its own path and answers through that org's OpenAPI, the same staff and message id in both", async () => {
    const staff = unique("staff");
    const msgId = unique("m");
    expect((await post("/dingtalk/callback", A.clientSecret, staff, msgId)).status).toBe(200);
    expect((await post("/dingtalk/callback/north", B.clientSecret, staff, msgId)).status).toBe(200);
    const a = await waitFor(() => fa.sent.find((s) => s.target === staff), 15_000, "org A's reply");
    const b = await waitFor(() => fb.sent.find((s) => s.target === staff), 15_000, "org B's reply");
    expect([a.body.robotCode, b.body.robotCode]).toEqual([A.clientId, B.clientId]);
  });

  it("refuses a message signed with one org's secret at the other's path", async () => {
    expect((await post("/dingtalk/callback", B.clientSecret, unique("staff"), unique("m"))).status).toBe(403);
    expect((await post("/dingtalk/callback/north", A.clientSecret, unique("staff"), unique("m"))).status).toBe(403);
  });
});
