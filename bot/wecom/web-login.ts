/**
 * WeCom 网页授权登录 for a self-built app (自建应用). The 智能机器人 alone has no web sign-in.
 * - Authorize: https://open.weixin.qq.com/connect/oauth2/authorize?appid=CORPID&redirect_uri=…
 *   &response_type=code&scope=snsapi_base&state=STATE&agentid=AGENTID#wechat_redirect, which returns
 *   to redirect_uri?code=CODE&state=STATE (构造网页授权链接, developer.work.weixin.qq.com/document/path/91022).
 * - Code → user: GET /cgi-bin/auth/getuserinfo?access_token=ACCESS_TOKEN&code=CODE →
 *   {errcode: 0, userid} for a member, {errcode: 0, openid} for a non-member, {errcode: 40029} for a
 *   bad code; a code works once, for five minutes (获取访问用户身份, document/path/91023).
 * The userid is the same one the bot sees as a message's sender (from.userid).
 */
import { AccessToken } from "../access-token.ts";
import { requestJson } from "../http-json.ts";
import { SignInRefused, type WebLogin } from "../web-login.ts";

export interface WecomWebLoginOptions {
  corpId: string;
  agentId: number;
  secret: string;
  apiBase: string;
  /** Where the browser authorizes; the real host unless a private deployment or a test moves it. */
  oauthBase: string;
}

interface Answer {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
  userid?: string;
  openid?: string;
}

export function wecomWebLogin(opts: WecomWebLoginOptions): WebLogin {
  const token = new AccessToken(async () => {
    const q = new URLSearchParams({ corpid: opts.corpId, corpsecret: opts.secret });
    const a = await requestJson<Answer>("wecom gettoken", `${opts.apiBase}/cgi-bin/gettoken?${q}`);
    if (a.errcode || !a.access_token) throw new Error(`wecom gettoken failed: errcode ${a.errcode ?? "?"}`);
    return { token: a.access_token, expiresInS: a.expires_in ?? 7200 };
  });
  return {
    platform: "wecom",
    codeParam: "code",
    authorizeUrl(redirectUri, state) {
      const q = new URLSearchParams({ appid: opts.corpId, redirect_uri: redirectUri, response_type: "code", scope: "snsapi_base", state, agentid: String(opts.agentId) });
      return `${opts.oauthBase}/connect/oauth2/authorize?${q}#wechat_redirect`;
    },
    async userIdFor(code) {
      const ask = async () => requestJson<Answer>("wecom auth/getuserinfo", `${opts.apiBase}/cgi-bin/auth/getuserinfo?${new URLSearchParams({ access_token: await token.get(), code })}`);
      let a = await ask();
      // 40014/42001: the cached access token went stale; fetch a new one once.
      if (a.errcode === 40014 || a.errcode === 42001) {
        token.invalidate();
        a = await ask();
      }
      if (a.errcode === 40029) throw new SignInRefused("登录码无效或已用过，请重新打开页面。");
      if (a.errcode) throw new Error(`wecom auth/getuserinfo errcode ${a.errcode}`);
      if (!a.userid) throw new SignInRefused("只有本企业的成员可以登录。");
      return a.userid;
    },
  };
}
