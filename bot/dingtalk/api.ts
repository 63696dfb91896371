/**
 * DingTalk's robot OpenAPI: the app access token (refreshed before expiry), group messages by
 * openConversationId, 1:1 messages by user id; and replies through a message's session webhook.
 */
import { AccessToken } from "../access-token.ts";
import { ThrottledError, UndeliverableError } from "../delivery.ts";
import { HttpStatusError, requestJson } from "../http-json.ts";

export interface DingtalkApiOptions {
  apiBase: string;
  /** The legacy oapi host (media upload); https://oapi.dingtalk.com unless set. */
  oapiBase?: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
}

/**
 * Media upload limits for type=file (https://open.dingtalk.com/document/orgapp/upload-media-files,
 * English mirror help.dingtalk.io/open/development/upload-media-files): "file: Regular file.
 * Maximum size is 20 MB. Supported formats: doc, docx, xls, xlsx, ppt, pptx, zip, pdf, rar".
 */
export const MEDIA_FILE_MAX_BYTES = 20 * 1024 * 1024;
/**
 * fileType values the robot's sampleFile message accepts: "文件类型 支持xlsx、pdf、zip、rar、doc、docx"
 * (as Huawei ROMA's DingTalk connector quotes the robot message types doc,
 * support.huaweicloud.com/usermanual-roma3/roma_03_5074.html; the sampleFile row of DingTalk's
 * own page was not readable in the copy we had). Narrower than what the upload takes.
 */
export const SAMPLE_FILE_TYPES: ReadonlySet<string> = new Set(["xlsx", "pdf", "zip", "rar", "doc", "docx"]);

/** What DingTalk shows: markdown (title + text), an ActionCard with buttons, or a picture at a URL. */
export type DingtalkMessage =
  | { kind: "markdown"; title: string; text: string }
  | { kind: "actionCard"; title: string; text: string; buttons: { title: string; url: string }[] }
  | { kind: "image"; title: string; url: string }
  /** A file uploaded with uploadFile (OpenAPI only: the session webhook has no file type). */
  | { kind: "file"; mediaId: string; fileName: string; fileType: string };

/** Card send/update refused for a reason other than throttling (no permission, bad card): the caller falls back to text. */
export class CardRefused extends Error {
  override readonly name = "CardRefused";
}

/**
 * DingTalk's throttling answers (https://open.dingtalk.com/document/development/how-to-process-api-throttling-on-the-dingtalk-server):
 * HTTP 403 with code Forbidden.AccessDenied.QpsLimitForAppkeyAndApi / QpsLimitForApi ("sleep 1
 * 秒，然后继续执行"), or HTTP 429. The org's monthly call quota (ApiCountLimitForOrg) will not
 * recover by retrying today: not retried.
 */
export function classifyOpenApiError(e: unknown, what: string): Error {
  if (!(e instanceof HttpStatusError)) return e instanceof Error ? e : new Error(String(e));
  const detail = `${what}: HTTP ${e.status} ${e.code ?? ""} ${e.platformMessage ?? ""}`.trim();
  if (e.status === 429 || (e.status === 403 && /QpsLimit/i.test(e.code ?? ""))) return new ThrottledError(2_000, detail);
  if (e.code === "Forbidden.AccessDenied.ApiCountLimitForOrg") return new UndeliverableError(`${detail}（本组织本月的钉钉接口调用量已用完）`);
  return e;
}

/** The media upload answered with an errcode: this file cannot go as a file message (the link still works). */
export class MediaRefused extends Error {
  override readonly name = "MediaRefused";
  constructor(
    readonly errcode: number,
    detail: string,
  ) {
    super(detail);
  }
}

export class SessionExpired extends Error {
  override readonly name = "SessionExpired";
}

function sessionBody(m: DingtalkMessage) {
  if (m.kind === "markdown") return { msgtype: "markdown", markdown: { title: m.title, text: m.text } };
  // The session webhook has no image type (text, link, markdown, actionCard, feedCard); markdown
  // shows a picture with ![](url) (open.dingtalk.com/document/orgapp/custom-robots-send-group-messages, markdown 类型).
  if (m.kind === "image") return { msgtype: "markdown", markdown: { title: m.title, text: `![${m.title}](${m.url})` } };
  // No file type either (the adapter sends files through the OpenAPI); named, never lost silently.
  if (m.kind === "file") return { msgtype: "markdown", markdown: { title: m.fileName, text: m.fileName } };
  return { msgtype: "actionCard", actionCard: { title: m.title, text: m.text, btnOrientation: "1", btns: m.buttons.map((b) => ({ title: b.title, actionURL: b.url })) } };
}

/** The OpenAPI's message templates: sampleMarkdown, and sampleActionCard2..5 for 2..5 buttons (one button: sampleActionCard). */
function openApiMessage(m: DingtalkMessage): { msgKey: string; msgParam: string } {
  if (m.kind === "markdown") return { msgKey: "sampleMarkdown", msgParam: JSON.stringify({ title: m.title, text: m.text }) };
  // Picture by URL, fetched by DingTalk (open.dingtalk.com/document/orgapp/types-of-messages-sent-by-robots, 图片消息 sampleImageMsg).
  if (m.kind === "image") return { msgKey: "sampleImageMsg", msgParam: JSON.stringify({ photoURL: m.url }) };
  // File (same doc, 文件消息 sampleFile): {mediaId, fileName, fileType}, mediaId from the media upload.
  if (m.kind === "file") return { msgKey: "sampleFile", msgParam: JSON.stringify({ mediaId: m.mediaId, fileName: m.fileName, fileType: m.fileType }) };
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
  success?: boolean;
  media_id?: string;
  errcode?: number;
  errmsg?: string;
  code?: string;
  message?: string;
  accessToken?: string;
  expireIn?: number;
  downloadUrl?: string;
}

export class DingtalkApi {
  private readonly token: AccessToken;

  constructor(private readonly opts: DingtalkApiOptions) {
    this.token = new AccessToken(async () => {
      const a = await requestJson<Answer>("dingtalk accessToken", `${opts.apiBase}/v1.0/oauth2/accessToken`, { body: { appKey: opts.clientId, appSecret: opts.clientSecret } });
      if (!a.accessToken) throw new Error(`dingtalk accessToken failed: ${a.code ?? "no token"} ${a.message ?? ""}`.trim());
      return { token: a.accessToken, expiresInS: a.expireIn ?? 7200 };
    });
  }

  async viaSession(url: string, m: DingtalkMessage): Promise<void> {
    const a = await requestJson<Answer>("dingtalk session webhook", url, { body: sessionBody(m) });
    const code = a.errcode ?? 0;
    if (code === 0) return;
    const detail = `dingtalk session webhook errcode ${code}${a.errmsg ? `: ${a.errmsg}` : ""}`;
    if (code === 130101 || code === 410100) throw new ThrottledError(60_000, detail);
    // Expired or unknown session: the caller falls back to the OpenAPI.
    throw new SessionExpired(detail);
  }

  async toGroup(openConversationId: string, m: DingtalkMessage): Promise<void> {
    await this.post("/v1.0/robot/groupMessages/send", { ...openApiMessage(m), openConversationId, robotCode: this.opts.robotCode });
  }

  async toUser(userId: string, m: DingtalkMessage): Promise<void> {
    await this.post("/v1.0/robot/oToMessages/batchSend", { ...openApiMessage(m), userIds: [userId], robotCode: this.opts.robotCode });
  }

  /**
   * Uploads a file as media (legacy oapi, the official way to get a mediaId for robot file
   * messages): POST {oapi}/media/upload?access_token=…&type=file, multipart/form-data with the
   * file in the field "media" (its filename is the name people see). Answer {errcode, errmsg,
   * type, media_id, created_at}. An errcode ≠ 0 is MediaRefused, except an invalid/expired token
   * (40014/42001), which is fetched again once.
   */
  async uploadFile(bytes: Buffer, fileName: string, contentType: string, retried = false): Promise<string> {
    const token = await this.token.get();
    const form = new FormData();
    form.append("media", new Blob([new Uint8Array(bytes)], { type: contentType }), fileName);
    // The token travels in the query: it never reaches a log (the error names the path only).
    const url = `${this.opts.oapiBase ?? "https://oapi.dingtalk.com"}/media/upload?access_token=${encodeURIComponent(token)}&type=file`;
    const what = "dingtalk /media/upload";
    const res = await fetch(url, { method: "POST", body: form, signal: AbortSignal.timeout(60_000) });
    const text = await res.text().catch(() => "");
    let a: Answer = {};
    try {
      a = JSON.parse(text) as Answer;
    } catch {
      // not JSON: judged by the status below
    }
    if (!res.ok) throw classifyOpenApiError(new HttpStatusError(res.status, what, a), what);
    const code = a.errcode ?? -1;
    if ((code === 40014 || code === 42001) && !retried) {
      this.token.invalidate();
      return this.uploadFile(bytes, fileName, contentType, true);
    }
    if (code !== 0 || !a.media_id) throw new MediaRefused(code, `${what}: errcode ${code}${a.errmsg ? ` ${a.errmsg}` : ""}`);
    return a.media_id;
  }

  /**
   * The temporary download link of a file in a message the robot received (a picture's
   * downloadCode): POST /v1.0/robot/messageFiles/download {downloadCode, robotCode} with
   * x-acs-dingtalk-access-token, answer {downloadUrl} (下载机器人接收消息的文件内容,
   * open.dingtalk.com/document/orgapp/download-the-file-content-of-the-robot-receiving-message;
   * mirror help.dingtalk.io/zh/open/development/download-the-file-content-of-the-robot-receiving-message).
   * The code must be the robot's that received the message, and it expires.
   */
  async messageFileUrl(downloadCode: string): Promise<string> {
    const a = await this.post("/v1.0/robot/messageFiles/download", { downloadCode, robotCode: this.opts.robotCode });
    if (!a.downloadUrl) throw new Error("dingtalk /v1.0/robot/messageFiles/download: no downloadUrl");
    return a.downloadUrl;
  }

  /**
   * Registers where DingTalk posts card clicks for cards sent with this callbackRouteKey (HTTP
   * mode): POST /v1.0/card/callbacks/register {callbackRouteKey, callbackUrl, apiSecret,
   * forceUpdate}, answer {success, result{callbackUrl, apiSecret}} (official SDK
   * alibabacloud dingtalk card_1_0 RegisterCallbackRequest / RegisterCallbackResponseBody).
   */
  async registerCardCallback(o: { callbackRouteKey: string; callbackUrl: string; apiSecret: string }): Promise<void> {
    const a = await this.post("/v1.0/card/callbacks/register", { ...o, forceUpdate: true });
    if (a.success === false) throw new Error("dingtalk /v1.0/card/callbacks/register: success=false");
  }

  /** A StandardCard into a group (openConversationId) or a 1:1 chat (singleChatReceiver); shape: dingtalk_stream/chatbot.py reply_card. */
  async sendCard(cardBizId: string, card: Record<string, unknown>, to: { openConversationId: string } | { userId: string }, callbackRouteKey?: string): Promise<void> {
    const body = {
      cardTemplateId: "StandardCard",
      robotCode: this.opts.robotCode,
      cardBizId,
      cardData: JSON.stringify(card),
      ...("openConversationId" in to ? { openConversationId: to.openConversationId } : { singleChatReceiver: JSON.stringify({ userId: to.userId }) }),
      ...(callbackRouteKey ? { callbackRouteKey } : {}),
    };
    await this.cardCall("POST", "/v1.0/im/v1.0/robot/interactiveCards/send", body);
  }

  /** Replaces a sent card's content; shape: dingtalk_stream/chatbot.py update_card (PUT, cardBizId + cardData). */
  async updateCard(cardBizId: string, card: Record<string, unknown>): Promise<void> {
    await this.cardCall("PUT", "/v1.0/im/robots/interactiveCards", { cardBizId, cardData: JSON.stringify(card) });
  }

  private async cardCall(method: "POST" | "PUT", path: string, body: unknown): Promise<void> {
    try {
      await this.call(method, path, body);
    } catch (e) {
      const err = classifyOpenApiError(e, `dingtalk ${path}`);
      // A 4xx that is not throttling: this card cannot be sent (permission, template): say so, text instead.
      if (err instanceof HttpStatusError && err.status >= 400 && err.status < 500) throw new CardRefused(err.message);
      throw err;
    }
  }

  private async post(path: string, body: unknown): Promise<Answer> {
    try {
      return await this.call("POST", path, body);
    } catch (e) {
      throw classifyOpenApiError(e, `dingtalk ${path}`);
    }
  }

  private async call(method: "POST" | "PUT", path: string, body: unknown, retried = false): Promise<Answer> {
    const token = await this.token.get();
    try {
      return await requestJson<Answer>(`dingtalk ${path}`, `${this.opts.apiBase}${path}`, { method, body, headers: { "x-acs-dingtalk-access-token": token } });
    } catch (e) {
      // 401: the token was revoked or expired early: fetch a new one once.
      if (e instanceof HttpStatusError && e.status === 401 && !retried) {
        this.token.invalidate();
        return this.call(method, path, body, true);
      }
      throw e;
    }
  }
}
