/**
 * Two WeCom corps' self-built apps in one process (issue 20, item 5): each corp's callback at its
 * own path (/wecom/callback for the legacy variables, /wecom/callback/<key> for an ORGANISATIONS
 * entry), replies through that corp's message API; and web sign-in (网页授权) per corp, so a
 * signed-in account is the corp's and a link asked for in one corp opens for nobody of another.
 * Callbacks are sealed with @wecom/crypto as WeCom does (document/path/90968); the apps' APIs are
 * the loopback fakes of test/fakes/wecom.ts and test/fakes/web-login.ts.
 */
import { createServer, type Server } from "node:http";
import { encrypt, getSignature } from "@wecom/crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { handleInbound } from "../commands/index.ts";
import { createDatabase, type Database } from "../db/client.ts";
import type { InboundMessage } from "../messages/messages.ts";
import { waitFor } from "./fakes/http-util.ts";
import { FakeWebLogin } from "./fakes/web-login.ts";
import { FakeWecom } from "./fakes/wecom.ts";
import { TEST_DATABASE_URL, unique } from "./support/env.ts";
import { startTestApp, TEST_NOW } from "./support/harness.ts";

const AES_A = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const AES_B = "a".repeat(43);
const CORP_A = { corpId: "wwcorpa", secret: "corp-a-secret", agentId: 218, token: "tokenA", aesKey: AES_A };
const CORP_B = { corpId: "wwcorpb", secret: "corp-b-secret", agentId: 1000002, token: "tokenB", aesKey: AES_B };
const FORM_SECRET = "c".repeat(40);

const legacyEnv = (corp: typeof CORP_A, apiBase: string) => ({
  WECOM_CORP_ID: corp.corpId,
  WECOM_APP_TOKEN: corp.token,
  WECOM_APP_AES_KEY: corp.aesKey,
  WECOM_APP_SECRET: corp.secret,
  WECOM_AGENT_ID: String(corp.agentId),
  WECOM_API_BASE: apiBase,
});
const northEntry = (corp: typeof CORP_B, apiBase: string) =>
  JSON.stringify([{ key: "north", name: "北区", wecomApp: { corpId: corp.corpId, token: corp.token, aesKey: corp.aesKey, secret: corp.secret, agentId: corp.agentId, apiBase } }]);

/** A user's text message to a corp's app, sealed as WeCom sends it. */
function sealed(corp: typeof CORP_A, text: string, from: string, msgId: string) {
  const ts = String(Math.floor(TEST_NOW.getTime() / 1000));
  const inner = `<xml><ToUserName><![CDATA[${corp.corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${msgId}</MsgId><AgentID>${corp.agentId}</AgentID></xml>`;
  const enc = encrypt(corp.aesKey, inner, corp.corpId);
  const q = new URLSearchParams({ msg_signature: getSignature(corp.token, ts, "n1", enc), timestamp: ts, nonce: "n1" });
  const body = `<xml><ToUserName><![CDATA[${corp.corpId}]]></ToUserName><AgentID><![CDATA[${corp.agentId}]]></AgentID><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`;
  return { q, body };
}

describe("two corps' self-built apps", () => {
  let fa: FakeWecom;
  let fb: FakeWecom;
  let app: App;
  beforeAll(async () => {
    fa = await new FakeWecom({}, { corpId: CORP_A.corpId, corpSecret: CORP_A.secret }).start();
    fb = await new FakeWecom({}, { corpId: CORP_B.corpId, corpSecret: CORP_B.secret }).start();
    app = await startTestApp({ ...legacyEnv(CORP_A, fa.apiBase), ORGANISATIONS: northEntry(CORP_B, fb.apiBase) });
  });
  afterAll(async () => {
    await app?.close();
    await fa?.stop();
    await fb?.stop();
  });

  const post = (path: string, s: ReturnType<typeof sealed>) => fetch(`${app.url}${path}?${s.q}`, { method: "POST", headers: { "content-type": "text/xml" }, body: s.body });

  it("takes each corp's callbacks at its own path and answers through that corp's message API, the same user and message id in both", async () => {
    const user = unique("wu");
    const msgId = String(Date.now());
    expect((await post("/wecom/callback", sealed(CORP_A, "/帮助", user, msgId))).status).toBe(200);
    expect((await post("/wecom/callback/north", sealed(CORP_B, "/帮助", user, msgId))).status).toBe(200);
    const a = await waitFor(() => fa.appCalls.find((c) => c.body.touser === user), 15_000, "corp A's reply");
    const b = await waitFor(() => fb.appCalls.find((c) => c.body.touser === user), 15_000, "corp B's reply");
    expect([a.body.agentid, b.body.agentid]).toEqual([CORP_A.agentId, CORP_B.agentId]);
    expect(JSON.stringify(a.body)).toMatch(/记录/);
    expect(JSON.stringify(b.body)).toMatch(/记录/);
    await new Promise((r) => setTimeout(r, 300));
    expect([fa.appCalls.filter((c) => c.body.touser === user).length, fb.appCalls.filter((c) => c.body.touser === user).length]).toEqual([1, 1]);
  });

  it("refuses one corp's callback at the other's path (its keys do not open it)", async () => {
    const res = await post("/wecom/callback/north", sealed(CORP_A, "/帮助", unique("wu"), String(Date.now())));
    expect(res.status).toBe(403);
  });
});

describe("web sign-in with two corps", () => {
  let la: FakeWebLogin;
  let lb: FakeWebLogin;
  /** open.weixin.qq.com serves every corp's 网页授权: here it sends the browser on to the fake of the corp named by appid. */
  let oauth: Server;
  let oauthUrl = "";
  let app: App;
  let direct: Database;
  beforeAll(async () => {
    la = await new FakeWebLogin({ wecom: CORP_A, dingtalk: { clientId: "-", clientSecret: "-" } }).start();
    lb = await new FakeWebLogin({ wecom: CORP_B, dingtalk: { clientId: "-", clientSecret: "-" } }).start();
    oauth = createServer((req, res) => {
      const u = new URL(req.url ?? "/", "http://x");
      const to = u.searchParams.get("appid") === CORP_B.corpId ? lb : la;
      res.writeHead(302, { location: `${to.url}${u.pathname}${u.search}` }).end();
    });
    await new Promise<void>((r) => oauth.listen(0, "127.0.0.1", r));
    const address = oauth.address();
    oauthUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    app = await startTestApp({ ...legacyEnv(CORP_A, la.url), ORGANISATIONS: northEntry(CORP_B, lb.url), WECOM_OAUTH_BASE: oauthUrl, FORM_SECRET });
    la.wecomTrustedHost = new URL(app.url).host;
    lb.wecomTrustedHost = new URL(app.url).host;
    direct = createDatabase(TEST_DATABASE_URL, 2);
  });
  afterAll(async () => {
    await app?.close();
    await la?.close();
    await lb?.close();
    await new Promise((r) => oauth?.close(r));
    await direct?.db.$disconnect();
    await direct?.sql.end();
  });

  /** A message of corp B's group, as its adapter hands it to the queue (ids qualified by bot/org-router.ts). */
  async function saysInNorth(chatId: string, userId: string, text: string): Promise<string> {
    const message: InboundMessage = {
      platform: "wecom",
      chatId: `north~${chatId}`,
      chatType: "group",
      senderId: `north~${userId}`,
      senderName: userId,
      text,
      messageId: unique("north~m"),
      mentioned: true,
      receivedAt: TEST_NOW.toISOString(),
    };
    const settings = { webhookOrigins: { wecom: la.url, dingtalk: la.url }, forms: { baseUrl: app.url, secret: FORM_SECRET, ttlMs: 86_400_000 }, signIn: ["wecom" as const] };
    const out = await handleInbound({ ...direct, now: () => TEST_NOW, settings }, message);
    return out.replies.map((r) => r.text).join("\n");
  }

  /** A browser following redirects across the app, the OAuth host and the corps' fakes, keeping the app's cookies. */
  async function open(path: string) {
    const cookies = new Map<string, string>();
    let next = path.startsWith("http") ? path : `${app.url}${path}`;
    for (let hop = 0; hop < 10; hop++) {
      const onApp = next.startsWith(app.url);
      const cookie = onApp ? [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") : "";
      const res = await fetch(next, { redirect: "manual", headers: cookie ? { cookie } : {} });
      if (onApp) for (const c of res.headers.getSetCookie()) cookies.set(c.split("=")[0]!, c.split(";")[0]!.slice(c.indexOf("=") + 1));
      const location = res.headers.get("location");
      if (res.status < 300 || res.status >= 400 || !location) return { status: res.status, text: await res.text() };
      next = new URL(location, next).toString().replace(/#.*$/, "");
    }
    throw new Error("too many redirects");
  }

  it("/login offers each corp; a link asked for in corp B signs in through corp B and opens for that account only, not for the same user id of corp A", async () => {
    const chooser = await open("/login");
    expect(chooser.text).toContain('href="/login/wecom/org/default?next=%2F"');
    expect(chooser.text).toContain('href="/login/wecom/org/north?next=%2F"');
    expect(chooser.text).toContain("用企业微信登录（北区）");

    const chat = unique("wc");
    const user = unique("wu");
    expect(await saysInNorth(chat, user, `/绑定 ${unique("共同体")}`)).toMatch(/已创建共同体/);
    await saysInNorth(chat, user, "/学校 添加 清涧县第二小学 核心 二小");
    const url = /http:\/\/127\.0\.0\.1:\d+\/f\/\S+/.exec(await saysInNorth(chat, user, "/表单 示范课"))?.[0] ?? "";
    expect(url).not.toBe("");
    const anon = await fetch(url, { redirect: "manual" });
    expect(anon.headers.get("location")).toMatch(/^\/login\/wecom\/org\/north\?next=/);

    // The person is signed in to corp B's WeCom: the form.
    lb.wecomUser = user;
    la.wecomUser = "";
    const mine = await open(url);
    expect(mine.status).toBe(200);
    expect(mine.text).toContain("课题");
    expect(lb.calls).toContain("GET /cgi-bin/auth/getuserinfo");
    expect(la.calls).not.toContain("GET /cgi-bin/auth/getuserinfo");

    // Someone of corp A with the same user id signs in through corp A's app first: a different account.
    la.wecomUser = user;
    lb.wecomUser = "";
    const form = new URL(url);
    const other = await open(`/login/wecom/org/default?next=${encodeURIComponent(form.pathname)}`);
    expect(other.status).toBe(403);
    expect(other.text).toMatch(/只能由本人登录后使用/);
  });
});
