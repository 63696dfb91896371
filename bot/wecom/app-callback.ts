/**
 * The self-built app's callback URL on the bot's HTTP server: GET answers WeCom's URL check with
 * the decrypted echostr; POST verifies and decrypts a message, queues it and answers at once
 * (replies go later through the message API). Anything that fails verification gets 403 and
 * touches nothing. A timestamp more than five minutes from our clock is refused (callback-crypto.ts);
 * a replay within that window is harmless: the queue and the database key each message by MsgId.
 */
import { XMLParser } from "fast-xml-parser";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { Logger } from "../../config/logger.ts";
import type { InboundMessage } from "../../messages/messages.ts";
import type { InboundSink } from "../adapter.ts";
import { CallbackRefused, openCallback, type CallbackKeys } from "./callback-crypto.ts";

const xml = new XMLParser({ parseTagValue: false, processEntities: true });

const query = z.object({ msg_signature: z.string().min(1).max(128), timestamp: z.string().min(1).max(32), nonce: z.string().min(1).max(64) });
const outer = z.object({ xml: z.object({ Encrypt: z.string().min(1) }) });
const inner = z.object({
  xml: z.object({
    FromUserName: z.string().min(1).max(256),
    MsgType: z.string(),
    Content: z.string().optional(),
    Recognition: z.string().optional(),
    MsgId: z.string().min(1).max(64).optional(),
  }),
});

const refuse = (reply: FastifyReply) => reply.code(403).type("text/plain; charset=utf-8").send("签名校验失败");
const bad = (reply: FastifyReply, what: string) => reply.code(400).type("text/plain; charset=utf-8").send(what);

/** `path`: one per organisation's app (app/platforms.ts), all on one server. */
export function registerWecomCallback(http: FastifyInstance, keys: CallbackKeys, sink: InboundSink, log: Logger, clock: () => number = Date.now, path = "/wecom/callback"): void {
  if (!http.hasContentTypeParser("text/xml")) http.addContentTypeParser(["text/xml", "application/xml"], { parseAs: "string", bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));

  http.get(path, async (req, reply) => {
    const q = query.extend({ echostr: z.string().min(1).max(1024) }).safeParse(req.query);
    if (!q.success) return refuse(reply);
    try {
      const plain = openCallback(keys, { signature: q.data.msg_signature, timestamp: q.data.timestamp, nonce: q.data.nonce }, q.data.echostr, clock());
      return reply.type("text/plain; charset=utf-8").send(plain);
    } catch (e) {
      if (e instanceof CallbackRefused) return refuse(reply);
      throw e;
    }
  });

  http.post(path, async (req, reply) => {
    const q = query.safeParse(req.query);
    if (!q.success) return refuse(reply);
    const body = typeof req.body === "string" ? safeXml(req.body) : undefined;
    const envelope = outer.safeParse(body);
    if (!envelope.success) return bad(reply, "请求格式不对：应为企业微信回调的 XML。");
    let plain: string;
    try {
      plain = openCallback(keys, { signature: q.data.msg_signature, timestamp: q.data.timestamp, nonce: q.data.nonce }, envelope.data.xml.Encrypt, clock());
    } catch (e) {
      if (e instanceof CallbackRefused) {
        log.warn({ reason: e.message }, "wecom callback refused");
        return refuse(reply);
      }
      throw e;
    }
    const message = toInbound(safeXml(plain));
    // Events (entering the app, menu clicks) and media are acknowledged and not queued.
    if (message) await sink(message);
    return reply.type("text/plain; charset=utf-8").send("");
  });
}

function safeXml(text: string): unknown {
  try {
    return xml.parse(text);
  } catch {
    return undefined;
  }
}

function toInbound(parsed: unknown): InboundMessage | undefined {
  const r = inner.safeParse(parsed);
  if (!r.success || !r.data.xml.MsgId) return undefined;
  const m = r.data.xml;
  const text = m.MsgType === "text" ? m.Content : m.MsgType === "voice" ? m.Recognition : undefined;
  if (text === undefined) return undefined;
  return {
    platform: "wecom",
    chatId: m.FromUserName,
    chatType: "direct",
    senderId: m.FromUserName,
    senderName: "",
    text,
    messageId: `app-${m.MsgId}`,
    mentioned: true,
    receivedAt: new Date().toISOString(),
    replyHandle: { via: "app" },
  };
}
