/**
 * A local DingTalk for tests, written from dingtalk-stream's client and DingTalk's docs: the
 * gateway (POST /v1.0/gateway/connections/open → endpoint + single-use ticket), the Stream
 * WebSocket (SYSTEM ping / disconnect, CALLBACK pushes, acks), the access token, the robot
 * OpenAPI sends, session webhooks with expiry, and custom robot webhooks with signing and the
 * 20-per-minute limit (errcode 130101).
 */
import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { readBody, sendJson, waitFor, WindowCounter } from "./http-util.ts";

interface Conn {
  ws: WebSocket;
  acks: { messageId: string; code: number; data: string }[];
}

export interface Sent {
  via: "session" | "group" | "user" | "webhook";
  body: Record<string, unknown>;
  at: number;
  target?: string;
  errcode?: number;
}

export class FakeDingtalk {
  private http!: Server;
  private wss!: WebSocketServer;
  readonly conns: Conn[] = [];
  readonly sent: Sent[] = [];
  private readonly tickets = new Set<string>();
  private readonly sessions = new Map<string, number>();
  private readonly webhookLimits = new Map<string, WindowCounter>();
  tokenCalls = 0;
  /** Called for every message the bot sent (the benchmark waits on it). */
  onSent: ((s: Sent) => void) | undefined;
  /** When set, WebSocket pings get no pong (a silent, dead socket). */
  silent = false;

  constructor(readonly app: { clientId: string; clientSecret: string }, readonly opts: { webhookSecret?: string; webhookLimit?: number; webhookWindowMs?: number; tokenLifeS?: number } = {}) {}

  get base() {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }
  get gatewayUrl() {
    return `${this.base}/v1.0/gateway/connections/open`;
  }
  webhookUrl(token: string) {
    return `${this.base}/robot/send?access_token=${token}`;
  }

  async start(): Promise<this> {
    this.http = createServer((req, res) => void this.onHttp(req, res).catch(() => sendJson(res, { errcode: -1 }, 500)));
    this.wss = new WebSocketServer({ noServer: true, autoPong: false });
    this.http.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", this.base);
      const ticket = url.searchParams.get("ticket") ?? "";
      if (url.pathname !== "/connect" || !this.tickets.delete(ticket)) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    });
    await new Promise<void>((r) => this.http.listen(0, "127.0.0.1", r));
    return this;
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    this.wss.close();
    await new Promise<void>((r) => this.http.close(() => r()));
  }

  open(): Conn[] {
    return this.conns.filter((c) => c.ws.readyState === c.ws.OPEN);
  }

  async waitForOpen(count = 1): Promise<Conn[]> {
    return waitFor(() => (this.open().length >= count ? this.open() : undefined), 10_000, `${count} dingtalk stream connection(s)`);
  }

  /** A robot message as DingTalk pushes it (to one connection, like DingTalk with several). */
  async userSays(o: { text: string; userId: string; nick?: string; conversationId: string; group?: boolean; msgId?: string; sessionLifeMs?: number; to?: Conn; session?: string }): Promise<{ msgId: string; session: string; streamMessageId: string }> {
    const conn = o.to ?? this.open()[0] ?? (await this.waitForOpen())[0]!;
    const session = o.session ?? randomUUID();
    this.sessions.set(session, Date.now() + (o.sessionLifeMs ?? 90 * 60_000));
    const msgId = o.msgId ?? `msg${randomUUID().replace(/-/g, "")}`;
    const data = {
      conversationId: o.conversationId, conversationType: o.group === false ? "1" : "2", msgId, senderNick: o.nick ?? "张老师",
      senderStaffId: o.userId, senderId: `$:LWCP_v1:$${o.userId}`, chatbotUserId: "robot", robotCode: this.app.clientId, isInAtList: true,
      sessionWebhook: `${this.base}/robot/sendBySession?session=${session}`, sessionWebhookExpiredTime: this.sessions.get(session),
      createAt: Date.now(), msgtype: "text", text: { content: o.group === false ? o.text : ` ${o.text}` },
    };
    const streamMessageId = this.push(conn, "/v1.0/im/bot/messages/get", data);
    return { msgId, session, streamMessageId };
  }

  /** The same robot message again, under a new stream message id (DingTalk may redeliver). */
  redeliver(conn: Conn, data: Record<string, unknown>): string {
    return this.push(conn, "/v1.0/im/bot/messages/get", data);
  }

  cardClick(conn: Conn, o: { userId: string; conversationId?: string; command: string }): string {
    return this.push(conn, "/v1.0/card/instances/callback", {
      outTrackId: randomUUID(), userId: o.userId, corpId: "ding", type: "actionCallback",
      ...(o.conversationId ? { openConversationId: o.conversationId } : {}),
      content: JSON.stringify({ cardPrivateData: { actionIds: ["btn"], params: { command: o.command } } }),
    });
  }

  push(conn: Conn, topic: string, data: unknown): string {
    const messageId = randomUUID();
    conn.ws.send(JSON.stringify({
      specVersion: "1.0", type: "CALLBACK",
      headers: { appId: this.app.clientId, connectionId: "c", contentType: "application/json", messageId, time: String(Date.now()), topic },
      data: JSON.stringify(data),
    }));
    return messageId;
  }

  system(conn: Conn, topic: string, data: unknown = {}): string {
    const messageId = randomUUID();
    conn.ws.send(JSON.stringify({ specVersion: "1.0", type: "SYSTEM", headers: { contentType: "application/json", messageId, time: String(Date.now()), topic }, data: JSON.stringify(data) }));
    return messageId;
  }

  /** The server's "disconnect" notice; it closes the socket itself 10 s later (shortened here). */
  disconnect(conn: Conn, closeAfterMs = 2000): void {
    this.system(conn, "disconnect", { reason: "gateway upgrade" });
    setTimeout(() => conn.ws.close(), closeAfterMs);
  }

  sendRaw(data: string | Buffer): void {
    for (const c of this.open()) c.ws.send(data);
  }

  acked(messageId: string): boolean {
    return this.conns.some((c) => c.acks.some((a) => a.messageId === messageId && a.code === 200));
  }

  private onConnection(ws: WebSocket): void {
    const conn: Conn = { ws, acks: [] };
    this.conns.push(conn);
    ws.on("ping", (data) => {
      if (!this.silent) ws.pong(data);
    });
    ws.on("message", (raw) => {
      try {
        const frame = JSON.parse(String(raw)) as { code: number; headers: { messageId: string }; data: string };
        conn.acks.push({ messageId: frame.headers.messageId, code: frame.code, data: frame.data });
      } catch {
        // ignore
      }
    });
  }

  private token(req: IncomingMessage): boolean {
    return String(req.headers["x-acs-dingtalk-access-token"] ?? "").startsWith("dt-");
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.base);
    const raw = req.method === "POST" ? await readBody(req) : "";
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, { code: "InvalidJson" }, 400);
    }
    const push = (s: Omit<Sent, "at">) => {
      const sent = { ...s, at: Date.now() };
      this.sent.push(sent);
      this.onSent?.(sent);
    };
    switch (url.pathname) {
      case "/v1.0/gateway/connections/open": {
        if (body.clientId !== this.app.clientId || body.clientSecret !== this.app.clientSecret) return sendJson(res, { code: "InvalidAuthentication" }, 401);
        const ticket = randomUUID();
        this.tickets.add(ticket);
        setTimeout(() => this.tickets.delete(ticket), 90_000).unref();
        return sendJson(res, { endpoint: `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}/connect`, ticket });
      }
      case "/v1.0/oauth2/accessToken":
        if (body.appKey !== this.app.clientId || body.appSecret !== this.app.clientSecret) return sendJson(res, { code: "InvalidAuthentication" }, 400);
        this.tokenCalls++;
        return sendJson(res, { accessToken: `dt-${this.tokenCalls}`, expireIn: this.opts.tokenLifeS ?? 7200 });
      case "/v1.0/robot/groupMessages/send":
        if (!this.token(req)) return sendJson(res, { code: "InvalidAuthentication" }, 401);
        push({ via: "group", body, target: String(body.openConversationId) });
        return sendJson(res, { processQueryKey: randomUUID() });
      case "/v1.0/robot/oToMessages/batchSend":
        if (!this.token(req)) return sendJson(res, { code: "InvalidAuthentication" }, 401);
        push({ via: "user", body, target: String((body.userIds as string[] | undefined)?.[0]) });
        return sendJson(res, { processQueryKey: randomUUID() });
      case "/robot/sendBySession": {
        const session = url.searchParams.get("session") ?? "";
        const expires = this.sessions.get(session);
        if (!expires || expires < Date.now()) return sendJson(res, { errcode: 300001, errmsg: "session expired" });
        push({ via: "session", body, target: session });
        return sendJson(res, { errcode: 0, errmsg: "ok" });
      }
      case "/robot/send": {
        const token = url.searchParams.get("access_token") ?? "";
        const ts = url.searchParams.get("timestamp") ?? "";
        const sign = url.searchParams.get("sign") ?? "";
        const secret = this.opts.webhookSecret;
        let errcode = 0;
        if (secret) {
          const expected = createHmac("sha256", secret).update(`${ts}\n${secret}`).digest("base64");
          if (sign !== expected || Math.abs(Date.now() - Number(ts)) > 3600_000) errcode = 310000;
        }
        const limit = this.webhookLimits.get(token) ?? new WindowCounter(this.opts.webhookLimit ?? 20, this.opts.webhookWindowMs ?? 60_000);
        this.webhookLimits.set(token, limit);
        if (!errcode && !limit.allow()) errcode = 130101;
        push({ via: "webhook", body, target: token, errcode });
        return sendJson(res, { errcode, errmsg: errcode ? "refused" : "ok" });
      }
      default:
        return sendJson(res, { code: "NotFound" }, 404);
    }
  }
}
