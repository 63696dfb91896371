/**
 * The self-built app's message API (企业微信自建应用): gettoken, message/send to users, and
 * appchat/send to group chats the app created. Markdown ≤ 2048 bytes per message.
 */
import { AccessToken } from "../access-token.ts";
import { ThrottledError, UndeliverableError } from "../delivery.ts";
import { requestJson } from "../http-json.ts";

export const APP_MARKDOWN_LIMIT = 2048;
/** 40014 invalid token, 42001 expired, 40001 invalid credential: fetch a new token and try again. */
const TOKEN_ERRORS = new Set([40014, 42001, 40001]);
/** 45009 API frequency, 45033 concurrency: wait. */
const THROTTLED = new Set([45009, 45033]);

export interface AppApiOptions {
  apiBase: string;
  corpId: string;
  secret: string;
  agentId: number;
}

interface Answer {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
}

export class WecomAppApi {
  private readonly token: AccessToken;

  constructor(private readonly opts: AppApiOptions) {
    this.token = new AccessToken(async () => {
      const q = new URLSearchParams({ corpid: opts.corpId, corpsecret: opts.secret });
      const a = await requestJson<Answer>("wecom gettoken", `${opts.apiBase}/cgi-bin/gettoken?${q}`);
      if (a.errcode || !a.access_token) throw new Error(`wecom gettoken failed: errcode ${a.errcode ?? "?"}`);
      return { token: a.access_token, expiresInS: a.expires_in ?? 7200 };
    });
  }

  sendToUser(userId: string, content: string): Promise<void> {
    return this.post("/cgi-bin/message/send", { touser: userId, msgtype: "markdown", agentid: this.opts.agentId, markdown: { content } });
  }

  sendToChat(chatId: string, content: string): Promise<void> {
    return this.post("/cgi-bin/appchat/send", { chatid: chatId, msgtype: "markdown", markdown: { content } });
  }

  private async post(path: string, body: unknown, retried = false): Promise<void> {
    const token = await this.token.get();
    const a = await requestJson<Answer>(`wecom ${path}`, `${this.opts.apiBase}${path}?access_token=${encodeURIComponent(token)}`, { body });
    const code = a.errcode ?? 0;
    if (code === 0) return;
    if (TOKEN_ERRORS.has(code) && !retried) {
      this.token.invalidate();
      return this.post(path, body, true);
    }
    if (THROTTLED.has(code)) throw new ThrottledError(60_000, `wecom ${path} errcode ${code}`);
    if (code === 81013 || code === 86003) throw new UndeliverableError(`wecom ${path}: recipient not found (errcode ${code})`);
    throw new Error(`wecom ${path} failed: errcode ${code}`);
  }
}
