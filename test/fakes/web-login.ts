/**
 * The platforms' web sign-in, faked on loopback as strictly as the real endpoints answer.
 *
 * WeCom (企业微信) 网页授权, for a self-built app:
 * - GET /connect/oauth2/authorize?appid=CORPID&redirect_uri=…&response_type=code&scope=snsapi_base
 *   &state=STATE&agentid=AGENTID#wechat_redirect → 302 redirect_uri?code=CODE&state=STATE; the
 *   redirect_uri's host must be the app's 可信域名, state at most 128 bytes of a-zA-Z0-9 (we also
 *   allow base64url's - and _, as WeCom passes them through) (构造网页授权链接,
 *   developer.work.weixin.qq.com/document/path/91022).
 * - GET /cgi-bin/gettoken?corpid&corpsecret → {errcode: 0, access_token, expires_in: 7200}, 40001 on
 *   a wrong secret (获取access_token, document/path/91039).
 * - GET /cgi-bin/auth/getuserinfo?access_token&code → {errcode: 0, userid} for a member, {errcode: 0,
 *   openid} for an outsider, 40029 "invalid code" for a used, expired (5 min) or unknown code, 40014
 *   for a bad token (获取访问用户身份, document/path/91023).
 *
 * DingTalk (钉钉) OAuth 2.0 sign-in, 企业内部应用:
 * - GET /oauth2/auth?redirect_uri&response_type=code&client_id&scope=openid&state&prompt=consent →
 *   302 redirect_uri?authCode=CODE&state=STATE (获取登录用户的访问凭证, open.dingtalk.com).
 * - POST /v1.0/oauth2/accessToken {appKey, appSecret} → {accessToken, expireIn} (获取企业内部应用的accessToken).
 * - POST /v1.0/oauth2/userAccessToken {clientId, clientSecret, code, grantType: "authorization_code"}
 *   → {accessToken, refreshToken, expireIn, corpId}; a used or unknown code → HTTP 400
 *   {code: "invalidParameter.authCode.notFound"} (获取用户token, …/obtain-user-token).
 * - GET /v1.0/contact/users/me with x-acs-dingtalk-access-token → {nick, unionId, openId}; 401 without.
 * - POST /topapi/user/getbyunionid?access_token {unionid} → {errcode: 0, result: {contact_type: 0,
 *   userid}}, errcode 60121 for someone outside the organisation (根据unionid获取用户userid).
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readBody, sendJson } from "./http-util.ts";

const CODE_LIFE_MS = 5 * 60_000;

export interface FakeWebLoginOptions {
  wecom: { corpId: string; secret: string; agentId: number };
  dingtalk: { clientId: string; clientSecret: string };
}

export class FakeWebLogin {
  private server!: Server;
  url = "";
  /** Who is signed in to the platform client that opens the page (the test sets it). */
  wecomUser: string | { outsider: string } = "";
  dingtalkUser: { unionId: string; userid?: string } = { unionId: "" };
  readonly calls: string[] = [];
  /** The app's 可信域名 (host[:port]): an authorize request redirecting anywhere else is refused. */
  wecomTrustedHost = "";
  private readonly wecomCodes = new Map<string, { user: string | { outsider: string }; at: number }>();
  private readonly dingCodes = new Map<string, { user: { unionId: string; userid?: string }; at: number }>();
  private readonly userTokens = new Map<string, { unionId: string; userid?: string }>();
  private readonly appTokens = new Set<string>();

  constructor(private readonly opts: FakeWebLoginOptions) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => sendJson(res, { errcode: -1, errmsg: "system error" }, 500));
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private code(): string {
    return randomBytes(24).toString("base64url");
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", this.url);
    this.calls.push(`${req.method} ${u.pathname}`);
    const q = u.searchParams;
    const w = this.opts.wecom;
    const d = this.opts.dingtalk;
    if (u.pathname === "/connect/oauth2/authorize") {
      const redirect = q.get("redirect_uri") ?? "";
      const state = q.get("state") ?? "";
      const host = URL.canParse(redirect) ? new URL(redirect).host : "";
      if (q.get("appid") !== w.corpId || q.get("response_type") !== "code" || q.get("scope") !== "snsapi_base" || host !== this.wecomTrustedHost || !/^[A-Za-z0-9_-]{0,128}$/.test(state)) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<p>redirect_uri 需使用应用可信域名 / 参数错误</p>");
        return;
      }
      const code = this.code();
      this.wecomCodes.set(code, { user: this.wecomUser, at: Date.now() });
      res.writeHead(302, { location: `${redirect}${redirect.includes("?") ? "&" : "?"}code=${code}&state=${state}` }).end();
      return;
    }
    if (u.pathname === "/cgi-bin/gettoken") {
      if (q.get("corpid") !== w.corpId || q.get("corpsecret") !== w.secret) return sendJson(res, { errcode: 40001, errmsg: "invalid credential" });
      const token = this.code();
      this.appTokens.add(token);
      return sendJson(res, { errcode: 0, errmsg: "ok", access_token: token, expires_in: 7200 });
    }
    if (u.pathname === "/cgi-bin/auth/getuserinfo") {
      if (!this.appTokens.has(q.get("access_token") ?? "")) return sendJson(res, { errcode: 40014, errmsg: "invalid access_token" });
      const c = this.wecomCodes.get(q.get("code") ?? "");
      this.wecomCodes.delete(q.get("code") ?? "");
      if (!c || Date.now() - c.at > CODE_LIFE_MS) return sendJson(res, { errcode: 40029, errmsg: "invalid code" });
      return sendJson(res, typeof c.user === "string" ? { errcode: 0, errmsg: "ok", userid: c.user } : { errcode: 0, errmsg: "ok", openid: c.user.outsider });
    }
    if (u.pathname === "/oauth2/auth") {
      const redirect = q.get("redirect_uri") ?? "";
      if (q.get("client_id") !== d.clientId || q.get("response_type") !== "code" || !(q.get("scope") ?? "").split(" ").includes("openid") || !URL.canParse(redirect)) {
        res.writeHead(400, { "content-type": "text/html; charset=utf-8" }).end("<p>参数错误</p>");
        return;
      }
      const code = this.code();
      this.dingCodes.set(code, { user: this.dingtalkUser, at: Date.now() });
      res.writeHead(302, { location: `${redirect}${redirect.includes("?") ? "&" : "?"}authCode=${code}&state=${encodeURIComponent(q.get("state") ?? "")}` }).end();
      return;
    }
    if (u.pathname === "/v1.0/oauth2/accessToken" && req.method === "POST") {
      const b = JSON.parse((await readBody(req)) || "{}") as { appKey?: string; appSecret?: string };
      if (b.appKey !== d.clientId || b.appSecret !== d.clientSecret) return sendJson(res, { code: "invalidClientId", message: "无效的clientId" }, 400);
      const token = this.code();
      this.appTokens.add(token);
      return sendJson(res, { accessToken: token, expireIn: 7200 });
    }
    if (u.pathname === "/v1.0/oauth2/userAccessToken" && req.method === "POST") {
      const b = JSON.parse((await readBody(req)) || "{}") as { clientId?: string; clientSecret?: string; code?: string; grantType?: string };
      if (b.clientId !== d.clientId || b.clientSecret !== d.clientSecret || b.grantType !== "authorization_code") return sendJson(res, { code: "invalidParameter", message: "参数错误" }, 400);
      const c = this.dingCodes.get(b.code ?? "");
      this.dingCodes.delete(b.code ?? "");
      if (!c || Date.now() - c.at > CODE_LIFE_MS) return sendJson(res, { code: "invalidParameter.authCode.notFound", message: "不合法的临时授权码" }, 400);
      const token = this.code();
      this.userTokens.set(token, c.user);
      return sendJson(res, { accessToken: token, refreshToken: this.code(), expireIn: 7200, corpId: "dingcorp" });
    }
    if (u.pathname === "/v1.0/contact/users/me") {
      const user = this.userTokens.get(String(req.headers["x-acs-dingtalk-access-token"] ?? ""));
      if (!user) return sendJson(res, { code: "InvalidAuthentication", message: "不合法的access_token" }, 401);
      return sendJson(res, { nick: "钉钉用户", unionId: user.unionId, openId: `open-${user.unionId}` });
    }
    if (u.pathname === "/topapi/user/getbyunionid" && req.method === "POST") {
      if (!this.appTokens.has(q.get("access_token") ?? "")) return sendJson(res, { errcode: 88, errmsg: "不合法的access_token" });
      const b = JSON.parse((await readBody(req)) || "{}") as { unionid?: string };
      const user = [...this.userTokens.values()].find((x) => x.unionId === b.unionid);
      if (!user?.userid) return sendJson(res, { errcode: 60121, errmsg: "找不到该用户" });
      return sendJson(res, { errcode: 0, errmsg: "ok", result: { contact_type: 0, userid: user.userid } });
    }
    sendJson(res, { errcode: 404, errmsg: "no such api" }, 404);
  }
}
