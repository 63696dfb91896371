/**
 * DingTalk's robot OpenAPI: the app access token (refreshed before expiry), group messages by
 * openConversationId, 1:1 messages by user id; and replies through a message's session webhook.
 */
import { AccessToken } from "../access-token.ts";
import { ThrottledError } from "../delivery.ts";
import { HttpStatusError, requestJson } from "../http-json.ts";

export interface DingtalkApiOptions {
  apiBase: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
}

/** What DingTalk shows: markdown (title + text) or an ActionCard with buttons. */
export type DingtalkMessage =
  | { kind: "markdown"; title: string; text: string }
  | { kind: "actionCard"; title: string; text: string; buttons: { title: string; url: string }[] };

export class SessionExpired extends Error {
  override readonly name = "SessionExpired";
}

function sessionBody(m: DingtalkMessage) {
  if (m.kind === "markdown") return { msgtype: "markdown", markdown: { title: m.title, text: m.text } };
  return { msgtype: "actionCard", actionCard: { title: m.title, text: m.text, btnOrientation: "1", btns: m.buttons.map((b) => ({ title: b.title, actionURL: b.url })) } };
}

/** The OpenAPI's message templates: sampleMarkdown, and sampleActionCard2..5 for 2..5 buttons (one button: sampleActionCard). */
function openApiMessage(m: DingtalkMessage): { msgKey: string; msgParam: string } {
  if (m.kind === "markdown") return { msgKey: "sampleMarkdown", msgParam: JSON.stringify({ title: m.title, text: m.text }) };
  const buttons = m.buttons.slice(0, 5);
  if (buttons.length === 1) return { msgKey: "sampleActionCard", msgParam: JSON.stringify({ title: m.title, text: m.text, singleTitle: buttons[0]!.title, singleURL: buttons[0]!.url }) };
  const params: Record<string, string> = { title: m.title, text: m.text };
  buttons.forEach((b, i) => {
    params[`actionTitle${i + 1}`] = b.title;
    params[`actionURL${i + 1}`] = b.url;
  });
  return { msgKey: `sampleActionCard${buttons.length}`, msgParam: JSON.stringify(params) };
}

interface Answer {
  errcode?: number;
  errmsg?: string;
  code?: string;
  message?: string;
  accessToken?: string;
  expireIn?: number;
}

export class DingtalkApi {
  private readonly token: AccessToken;

  constructor(private readonly opts: DingtalkApiOptions) {
    this.token = new AccessToken(async () => {
      const a = await requestJson<Answer>("dingtalk accessToken", `${opts.apiBase}/v1.0/oauth2/accessToken`, { body: { appKey: opts.clientId, appSecret: opts.clientSecret } });
      if (!a.accessToken) throw new Error(`dingtalk accessToken failed: ${a.code ?? "no token"}`);
      return { token: a.accessToken, expiresInS: a.expireIn ?? 7200 };
    });
  }

  async viaSession(url: string, m: DingtalkMessage): Promise<void> {
    const a = await requestJson<Answer>("dingtalk session webhook", url, { body: sessionBody(m) });
    const code = a.errcode ?? 0;
    if (code === 0) return;
    if (code === 130101 || code === 410100) throw new ThrottledError(60_000, `dingtalk session webhook errcode ${code}`);
    // Expired or unknown session: the caller falls back to the OpenAPI.
    throw new SessionExpired(`dingtalk session webhook errcode ${code}`);
  }

  toGroup(openConversationId: string, m: DingtalkMessage): Promise<void> {
    return this.post("/v1.0/robot/groupMessages/send", { ...openApiMessage(m), openConversationId, robotCode: this.opts.robotCode });
  }

  toUser(userId: string, m: DingtalkMessage): Promise<void> {
    return this.post("/v1.0/robot/oToMessages/batchSend", { ...openApiMessage(m), userIds: [userId], robotCode: this.opts.robotCode });
  }

  private async post(path: string, body: unknown, retried = false): Promise<void> {
    const token = await this.token.get();
    try {
      await requestJson<Answer>(`dingtalk ${path}`, `${this.opts.apiBase}${path}`, { body, headers: { "x-acs-dingtalk-access-token": token } });
    } catch (e) {
      // 401: the token was revoked or expired early: fetch a new one once.
      if (e instanceof HttpStatusError && e.status === 401 && !retried) {
        this.token.invalidate();
        return this.post(path, body, true);
      }
      if (e instanceof HttpStatusError && e.status === 429) throw new ThrottledError(60_000, `dingtalk ${path} HTTP 429`);
      throw e;
    }
  }
}
