/**
 * DingTalk sign-in for the bot's pages (OAuth 2.0, 企业内部应用), which also works silently in the
 * DingTalk client's own browser:
 * - Authorize: https://login.dingtalk.com/oauth2/auth?redirect_uri=…&response_type=code&client_id=
 *   APPKEY&scope=openid&state=STATE&prompt=consent, back to redirect_uri?authCode=CODE&state=STATE
 *   (获取登录用户的访问凭证, open.dingtalk.com/document/orgapp/tutorial-obtaining-user-personal-information).
 * - authCode → user token: POST /v1.0/oauth2/userAccessToken {clientId, clientSecret, code,
 *   grantType: "authorization_code"} → {accessToken, expireIn} (获取用户token, …/obtain-user-token).
 * - The user: GET /v1.0/contact/users/me with header x-acs-dingtalk-access-token → {unionId, nick}
 *   (获取用户通讯录个人信息, …/dingtalk-retrieve-user-information).
 * - unionId → userid: POST oapi /topapi/user/getbyunionid?access_token=APP_TOKEN {unionid} →
 *   {errcode: 0, result: {userid}}, errcode 60121 when the person is not in the organisation
 *   (根据unionid获取用户userid, …/query-a-user-by-the-union-id).
 * The userid is the senderStaffId the bot sees on a robot message.
 */
import { AccessToken } from "../access-token.ts";
import { HttpStatusError, requestJson } from "../http-json.ts";
import { SignInRefused, type WebLogin } from "../web-login.ts";

export interface DingtalkWebLoginOptions {
  clientId: string;
  clientSecret: string;
  apiBase: string;
  oapiBase: string;
  /** The login host (login.dingtalk.com) unless a private deployment or a test moves it. */
  loginBase: string;
}

export function dingtalkWebLogin(opts: DingtalkWebLoginOptions): WebLogin {
  const appToken = new AccessToken(async () => {
    const a = await requestJson<{ accessToken?: string; expireIn?: number }>("dingtalk accessToken", `${opts.apiBase}/v1.0/oauth2/accessToken`, {
      body: { appKey: opts.clientId, appSecret: opts.clientSecret },
    });
    if (!a.accessToken) throw new Error("dingtalk accessToken failed");
    return { token: a.accessToken, expiresInS: a.expireIn ?? 7200 };
  });
  return {
    platform: "dingtalk",
    codeParam: "authCode",
    authorizeUrl(redirectUri, state) {
      const q = new URLSearchParams({ redirect_uri: redirectUri, response_type: "code", client_id: opts.clientId, scope: "openid", state, prompt: "consent" });
      return `${opts.loginBase}/oauth2/auth?${q}`;
    },
    async userIdFor(code) {
      let userToken: string | undefined;
      try {
        const t = await requestJson<{ accessToken?: string }>("dingtalk userAccessToken", `${opts.apiBase}/v1.0/oauth2/userAccessToken`, {
          body: { clientId: opts.clientId, clientSecret: opts.clientSecret, code, grantType: "authorization_code" },
        });
        userToken = t.accessToken;
      } catch (e) {
        // A used, expired or forged authCode is a 400 with a code in the body.
        if (e instanceof HttpStatusError && e.status >= 400 && e.status < 500) throw new SignInRefused("登录码无效或已用过，请重新打开页面。");
        throw e;
      }
      if (!userToken) throw new SignInRefused("登录码无效或已用过，请重新打开页面。");
      const me = await requestJson<{ unionId?: string }>("dingtalk users/me", `${opts.apiBase}/v1.0/contact/users/me`, { headers: { "x-acs-dingtalk-access-token": userToken } });
      if (!me.unionId) throw new SignInRefused("钉钉没有返回你的账号，请重新打开页面。");
      const q = new URLSearchParams({ access_token: await appToken.get() });
      const u = await requestJson<{ errcode?: number; result?: { userid?: string } }>("dingtalk getbyunionid", `${opts.oapiBase}/topapi/user/getbyunionid?${q}`, { body: { unionid: me.unionId } });
      if (u.errcode === 60121 || (u.errcode === 0 && !u.result?.userid)) throw new SignInRefused("只有本组织的成员可以登录。");
      if (u.errcode || !u.result?.userid) throw new Error(`dingtalk getbyunionid errcode ${u.errcode ?? "?"}`);
      return u.result.userid;
    },
  };
}
