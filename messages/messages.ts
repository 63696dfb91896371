/**
 * The neutral message contracts. Platform adapters produce InboundMessage and consume
 * OutboundMessage; nothing else crosses between bot/ and the rest. JSON-safe values only.
 */
import { z } from "zod";

export const platformSchema = z.enum(["sim", "wecom", "dingtalk"]);
export type Platform = z.infer<typeof platformSchema>;

export const inboundMessageSchema = z.object({
  platform: platformSchema,
  chatId: z.string().min(1).max(256),
  chatType: z.enum(["group", "direct"]).default("group"),
  senderId: z.string().min(1).max(256),
  senderName: z.string().max(128).default(""),
  text: z.string(),
  messageId: z.string().min(1).max(256),
  /** True when the platform says the bot was @-mentioned (platforms that only deliver mentions set it). */
  mentioned: z.boolean().default(false),
  /**
   * Other people the message @-mentions, by platform account (DingTalk's atUsers staffId; the
   * simulator's mentions). The bot itself is never listed. WeCom's 智能机器人 gives none.
   */
  mentions: z
    .array(z.object({ userId: z.string().min(1).max(256), name: z.string().max(128).optional() }))
    .max(50)
    .optional(),
  /** The text is the platform's transcription of a voice message (WeCom voice.content, DingTalk audio recognition). */
  spoken: z.boolean().optional(),
  /**
   * Pictures that came with the text (WeCom 智能机器人 `mixed`, DingTalk `richText`): the text is
   * the command, the pictures its evidence. Each is what the platform's adapter needs to fetch it
   * (a URL and key, a download code); opaque to everything else.
   */
  pictures: z
    .array(z.record(z.string(), z.string().max(2048)))
    .max(20)
    .optional(),
  /** The text of the message this one quotes or replies to, where the platform gives it (WeCom quote). */
  quotedText: z.string().max(2000).optional(),
  /** ISO time the gateway received the message. */
  receivedAt: z.string().datetime(),
  /** Opaque, adapter-specific data needed to answer this message (e.g. a session webhook). */
  replyHandle: z.record(z.string(), z.unknown()).optional(),
  /**
   * A structured submission (a web form) instead of typed text: the command and its arguments,
   * checked by that command's own schema. No platform request waits on it: replies are posted
   * to the chat.
   */
  form: z.object({ command: z.string().min(1), args: z.record(z.string(), z.unknown()) }).optional(),
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

const actionSchema = z.object({ label: z.string(), command: z.string() });

/** A push destination that is not the chat the message came from: a group robot webhook. */
export const webhookTargetSchema = z.object({
  platform: z.enum(["wecom", "dingtalk"]),
  name: z.string(),
  url: z.string().url(),
  secret: z.string().optional(),
});
export type WebhookTarget = z.infer<typeof webhookTargetSchema>;

export const replySchema = z.object({
  text: z.string(),
  /** Optional buttons an adapter may render as a card; plain-text adapters ignore them. */
  actions: z.array(actionSchema).optional(),
  /** A web page to open (e.g. a form): a link button where the platform has cards; the text names the URL too. */
  link: z.object({ label: z.string(), url: z.string().url() }).optional(),
  /** A one-of-several question (e.g. which school was meant): a vote card where the platform has one. */
  choices: z.array(actionSchema).optional(),
  /**
   * A picture (the progress chart) at a URL the bot serves; platforms that can show an image in
   * this conversation send it their official way, the others send the text alone (which names the URL).
   */
  image: z.object({ url: z.string().url(), alt: z.string() }).optional(),
  /**
   * A file (an export) at a signed URL the bot serves. Platforms that can send a file into this
   * conversation fetch it (its name comes from the response's Content-Disposition) and send it
   * their official way; the others send the text alone (which names the URL). `label` is what
   * the file is, for logs and fallbacks, e.g. 活动台账（Excel）.
   */
  file: z.object({ url: z.string().url(), label: z.string() }).optional(),
  /** Set on a reply that goes elsewhere (a push to a robot webhook) instead of back to the chat. */
  to: webhookTargetSchema.optional(),
});
export type Reply = z.infer<typeof replySchema>;

export const outboundMessageSchema = z.object({
  platform: platformSchema,
  chatId: z.string().min(1),
  /** Set when answering an inbound message; absent for pushes (reminders, digests). */
  replyTo: z.string().optional(),
  replyHandle: z.record(z.string(), z.unknown()).optional(),
  /** For pushes: whether chatId names a group or a single user (platforms address them differently). */
  chatType: z.enum(["group", "direct"]).default("group"),
  /** For pushes to a group robot webhook instead of a chat the bot is in. */
  webhook: webhookTargetSchema.optional(),
  replies: z.array(replySchema),
});
export type OutboundMessage = z.infer<typeof outboundMessageSchema>;

/** The queue's dedup key: `<platform>-<messageId>` (platform message ids are unique per platform). */
export function messageKey(m: Pick<InboundMessage, "platform" | "messageId">): string {
  return `${m.platform}-${m.messageId}`;
}

/**
 * The database's idempotency key. It also names the chat, so that a message id reused in another
 * chat (possible in the simulator, or a misbehaving platform) can never return or change another
 * chat's data.
 */
export function sourceKey(m: Pick<InboundMessage, "platform" | "chatId" | "messageId">): string {
  return `${m.platform}:${m.chatId}:${m.messageId}`;
}
