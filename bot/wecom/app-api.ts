/**
 * The self-built app's message API (企业微信自建应用): gettoken, message/send to users, and
 * appchat/send to group chats the app created. Markdown ≤ 2048 bytes per message. Files: uploaded
 * as temporary media (media/upload?type=file, multipart field "media") and sent as file messages.
 */
import { AccessToken } from "../access-token.ts";
import { ThrottledError, UndeliverableError } from "../delivery.ts";
import type { Logger } from "../../config/logger.ts";
import { requestJson } from "../http-json.ts";

export const APP_MARKDOWN_LIMIT = 2048;
/** 40014 invalid token, 42001 expired, 40001 invalid credential: fetch a new token and try again. */
const TOKEN_ERRORS = new Set([40014, 42001, 40001]);
/** 45009 API frequency, 45033 concurrency: wait. */
const THROTTLED = new Set([45009, 45033]);

/**
 * Configuration mistakes no retry can fix, with what the admin must do (codes and meanings:
 * WeCom 全局错误码 https://developer.work.weixin.qq.com/document/path/90313). 60020: apps created
 * after 2022-06-20 only answer calls from the app's 企业可信IP.
 */
const CONFIG_FIXES = new Map<number, string>([
  [60020, "把服务器出口 IP 加入应用的企业可信 IP（企业微信管理后台 → 应用管理 → 自建应用 → 企业可信IP），约 1 分钟后生效"],
  [48002, "应用没有这个接口的权限：在管理后台为应用开启对应的 API 权限"],
  [60011, "应用的可见范围不包含接收人：在管理后台调整应用的可见范围"],
  [40056, "WECOM_AGENT_ID 不对：填写应用详情页的 AgentId"],
  [40013, "WECOM_CORP_ID 不对：填写「我的企业」页的企业ID"],
]);

/** A send WeCom refuses because of the app's configuration: not retried; the fix is in the message. */
export class WecomConfigError extends UndeliverableError {
  constructor(
    readonly errcode: number,
    errmsg: string,
    readonly fix: string,
  ) {
    super(`wecom errcode ${errcode}: ${errmsg} —— ${fix}`);
  }
}

export interface AppApiOptions {
  apiBase: string;
  corpId: string;
  secret: string;
  agentId: number;
}

interface Answer {
  errcode?: number;
  errmsg?: string;
  /** message/send: recipients it could not deliver to, "|"-separated (发送应用消息 https://developer.work.weixin.qq.com/document/path/90236). */
  invaliduser?: string;
  invalidparty?: string;
  access_token?: string;
  expires_in?: number;
  /** media/upload: the temporary media's id (valid 3 days). */
  media_id?: string;
}

export class WecomAppApi {
  private readonly token: AccessToken;
  /** Each configuration error is logged once per process (it repeats on every send until fixed). */
  private readonly explained = new Set<number>();

  constructor(
    private readonly opts: AppApiOptions,
    private readonly log?: Logger,
  ) {
    this.token = new AccessToken(async () => {
      const q = new URLSearchParams({ corpid: opts.corpId, corpsecret: opts.secret });
      const a = await requestJson<Answer>("wecom gettoken", `${opts.apiBase}/cgi-bin/gettoken?${q}`);
      if (a.errcode && CONFIG_FIXES.has(a.errcode)) throw this.configError(a.errcode, a.errmsg ?? "");
      if (a.errcode || !a.access_token) throw new Error(`wecom gettoken failed: errcode ${a.errcode ?? "?"} ${a.errmsg ?? ""}`.trim());
      return { token: a.access_token, expiresInS: a.expires_in ?? 7200 };
    });
  }

  sendToUser(userId: string, content: string): Promise<void> {
    return this.post("/cgi-bin/message/send", { touser: userId, msgtype: "markdown", agentid: this.opts.agentId, markdown: { content } });
  }

  sendToChat(chatId: string, content: string): Promise<void> {
    return this.post("/cgi-bin/appchat/send", { chatid: chatId, msgtype: "markdown", markdown: { content } });
  }

  /**
   * A file message (文件消息 {msgtype: "file", file: {media_id}}): to a user through message/send
   * (发送应用消息, developer.work.weixin.qq.com/document/path/90236) or to an app group chat through
   * appchat/send (应用推送消息, developer.work.weixin.qq.com/document/path/90248).
   */
  sendFileToUser(userId: string, mediaId: string): Promise<void> {
    return this.post("/cgi-bin/message/send", { touser: userId, msgtype: "file", agentid: this.opts.agentId, file: { media_id: mediaId } });
  }

  sendFileToChat(chatId: string, mediaId: string): Promise<void> {
    return this.post("/cgi-bin/appchat/send", { chatid: chatId, msgtype: "file", file: { media_id: mediaId } });
  }

  /**
   * 上传临时素材 (developer.work.weixin.qq.com/document/path/90253): POST media/upload?type=file,
   * multipart/form-data with the file under the name "media"; its filename is the name people see.
   * Files up to 20 MB and over 5 bytes; the media_id lives 3 days.
   */
  async uploadFile(bytes: Buffer, filename: string, retried = false): Promise<string> {
    const token = await this.token.get();
    const form = new FormData();
    form.append("media", new Blob([bytes]), filename);
    const url = `${this.opts.apiBase}/cgi-bin/media/upload?access_token=${encodeURIComponent(token)}&type=file`;
    const res = await fetch(url, { method: "POST", body: form, signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new Error(`wecom media/upload: HTTP ${res.status}`);
    const a = (await res.json()) as Answer;
    const code = a.errcode ?? 0;
    if (code === 0 && a.media_id) return a.media_id;
    if (TOKEN_ERRORS.has(code) && !retried) {
      this.token.invalidate();
      return this.uploadFile(bytes, filename, true);
    }
    this.refuse("/cgi-bin/media/upload", code, a.errmsg);
  }

  private async post(path: string, body: unknown, retried = false): Promise<void> {
    const token = await this.token.get();
    const a = await requestJson<Answer>(`wecom ${path}`, `${this.opts.apiBase}${path}?access_token=${encodeURIComponent(token)}`, { body });
    const code = a.errcode ?? 0;
    if (code === 0) return this.checkRecipients(path, a);
    if (TOKEN_ERRORS.has(code) && !retried) {
      this.token.invalidate();
      return this.post(path, body, true);
    }
    this.refuse(path, code, a.errmsg);
  }

  /** A non-zero errcode as the error the outbound worker understands (wait, give up, or retry). */
  private refuse(path: string, code: number, errmsg = ""): never {
    const detail = `wecom ${path} errcode ${code}: ${errmsg}`;
    if (THROTTLED.has(code)) throw new ThrottledError(60_000, detail);
    if (CONFIG_FIXES.has(code)) throw this.configError(code, errmsg);
    if (code === 81013 || code === 86003) throw new UndeliverableError(`${detail} (recipient not found)`);
    throw new Error(`${detail} (failed)`);
  }

  /** errcode 0 does not mean delivered: recipients outside the app's visible range come back in invaliduser/invalidparty. */
  private checkRecipients(path: string, a: Answer): void {
    const users = (a.invaliduser ?? "").split("|").filter(Boolean);
    const parties = (a.invalidparty ?? "").split("|").filter(Boolean);
    if (!users.length && !parties.length) return;
    this.log?.warn({ path, invaliduser: users, invalidparty: parties }, "wecom message undelivered for these recipients (not in the app's visible range, or unknown)");
    throw new UndeliverableError(`wecom ${path}: undelivered to ${[...users, ...parties].join(", ")} (invaliduser/invalidparty)`);
  }

  private configError(code: number, errmsg: string): WecomConfigError {
    const err = new WecomConfigError(code, errmsg, CONFIG_FIXES.get(code)!);
    if (!this.explained.has(code)) {
      this.explained.add(code);
      this.log?.error({ errcode: code, errmsg, fix: err.fix }, `企业微信拒绝了请求（errcode ${code}）：${err.fix}`);
    }
    return err;
  }
}
