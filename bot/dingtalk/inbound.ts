/**
 * DingTalk robot messages (Stream topic /v1.0/im/bot/messages/get, or the HTTP callback body) →
 * the neutral InboundMessage. Network input: checked, and anything unusable gives undefined.
 */
import { z } from "zod";
import { stripLeadingMentions } from "../../core/normalize.ts";
import type { InboundMessage } from "../../messages/messages.ts";

const robotMessage = z.object({
  msgId: z.string().min(1).max(256),
  conversationId: z.string().min(1).max(256),
  /** "1": 1:1 chat, "2": group. */
  conversationType: z.string().optional(),
  senderStaffId: z.string().max(256).optional(),
  senderId: z.string().max(512).optional(),
  senderNick: z.string().max(128).optional().catch(undefined),
  msgtype: z.string(),
  text: z.object({ content: z.string() }).optional().catch(undefined),
  /** Voice arrives as msgtype "audio" with DingTalk's own recognition text. */
  content: z.object({ recognition: z.string().optional() }).partial().optional().catch(undefined),
  sessionWebhook: z.string().url().optional().catch(undefined),
  sessionWebhookExpiredTime: z.number().optional().catch(undefined),
  isInAtList: z.boolean().optional().catch(undefined),
});

export interface DingtalkReplyHandle {
  via: "dingtalk";
  sessionWebhook?: string;
  /** Epoch ms after which the session webhook no longer works (read from the message, never assumed). */
  sessionExpiresAt?: number;
  conversationType: "group" | "direct";
  openConversationId: string;
  staffId?: string;
}

export function messageFromRobot(data: unknown, receivedAt: Date): InboundMessage | undefined {
  const r = robotMessage.safeParse(data);
  if (!r.success) return undefined;
  const m = r.data;
  const raw = m.msgtype === "text" ? m.text?.content : m.msgtype === "audio" ? m.content?.recognition : undefined;
  const sender = m.senderStaffId || m.senderId;
  if (raw === undefined || !sender) return undefined;
  const group = m.conversationType === "2";
  const handle: DingtalkReplyHandle = {
    via: "dingtalk", conversationType: group ? "group" : "direct", openConversationId: m.conversationId,
    ...(m.sessionWebhook ? { sessionWebhook: m.sessionWebhook } : {}),
    ...(m.sessionWebhookExpiredTime ? { sessionExpiresAt: m.sessionWebhookExpiredTime } : {}),
    ...(m.senderStaffId ? { staffId: m.senderStaffId } : {}),
  };
  return {
    platform: "dingtalk", chatId: m.conversationId, chatType: group ? "group" : "direct", senderId: sender.slice(0, 256),
    senderName: m.senderNick ?? "", text: stripLeadingMentions(raw).text, messageId: m.msgId,
    // DingTalk only delivers group messages that @-mention the robot.
    mentioned: true, receivedAt: receivedAt.toISOString(), replyHandle: { ...handle },
  };
}

const cardCallback = z.object({
  outTrackId: z.string().max(256).optional(),
  userId: z.string().min(1).max(256),
  openConversationId: z.string().max(256).optional(),
  content: z.string().max(10_000),
});
const cardContent = z.object({ cardPrivateData: z.object({ params: z.record(z.string(), z.unknown()).optional() }) });

/** An interactive card's button press: the command its params carry (our cards put it there). */
export function commandFromCardCallback(data: unknown): { userId: string; conversationId?: string; command: string; outTrackId?: string } | undefined {
  const r = cardCallback.safeParse(data);
  if (!r.success) return undefined;
  let content: unknown;
  try {
    content = JSON.parse(r.data.content);
  } catch {
    return undefined;
  }
  const c = cardContent.safeParse(content);
  const command = c.success ? c.data.cardPrivateData.params?.command : undefined;
  if (typeof command !== "string" || !command.startsWith("/") || command.length > 500) return undefined;
  return { userId: r.data.userId, command, ...(r.data.openConversationId ? { conversationId: r.data.openConversationId } : {}), ...(r.data.outTrackId ? { outTrackId: r.data.outTrackId } : {}) };
}
