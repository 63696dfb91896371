/**
 * DingTalk in: robot frames (Stream robot topic), card presses (Stream card topic, or the HTTP
 * card callback) → InboundMessage, handed to the spool. Frames are parsed by ./inbound.ts; a
 * press becomes the command its button stands for, as if the presser @-mentioned the robot.
 */
import { createHash } from "node:crypto";
import type { DWClientDownStream } from "dingtalk-stream";
import type { Logger } from "../../config/logger.ts";
import type { InboundMessage } from "../../messages/messages.ts";
import type { InboundSpool } from "../spool.ts";
import type { PressOutcome } from "./card-callback-http.ts";
import type { CardChat, CardRegistry } from "./cards.ts";
import { cardPress, messageFromRobot, type DingtalkReplyHandle } from "./inbound.ts";

export type Ack = (result: unknown) => void;

export class DingtalkReceiver {
  constructor(
    private readonly spool: InboundSpool,
    private readonly cards: CardRegistry,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  async onRobotMessage(frame: DWClientDownStream, ack: Ack): Promise<void> {
    const message = messageFromRobot(safeJson(frame.data), new Date(this.now()));
    if (!message) {
      this.log.debug("dingtalk robot frame ignored (not a text or voice message)");
      return ack({});
    }
    await this.accept(message, ack);
  }

  /** A card button (Stream card topic): the command it stands for, run as if the presser had @-mentioned the robot with it. */
  async onCardCallback(frame: DWClientDownStream, ack: Ack): Promise<void> {
    const press = cardPress(safeJson(frame.data));
    const found = press && (await this.cards.lookup(press.cardBizId, press.actionId).catch(() => undefined));
    if (!press || !found) {
      this.log.info({ card: press?.cardBizId }, "dingtalk card press ignored (unknown card or button)");
      return ack({});
    }
    await this.accept(this.pressMessage(press, found), ack);
  }

  /** The same press arriving at the HTTP card callback URL (HTTP mode): spooled like a robot message. */
  async onHttpCardPress(body: unknown): Promise<PressOutcome> {
    const press = cardPress(body);
    if (!press) return "malformed";
    const found = await this.cards.lookup(press.cardBizId, press.actionId).catch(() => undefined);
    if (!found) {
      this.log.info({ card: press.cardBizId }, "dingtalk card press refused (unknown or expired card or button)");
      return "unknown";
    }
    await this.spool.accept(this.pressMessage(press, found));
    return "queued";
  }

  private pressMessage(press: { userId: string; cardBizId: string; actionId: string }, found: { chat: CardChat; command: string }): InboundMessage {
    const { chat, command } = found;
    const handle: DingtalkReplyHandle = {
      via: "dingtalk",
      conversationType: chat.group ? "group" : "direct",
      openConversationId: chat.conversationId,
      staffId: press.userId,
      cardBizId: press.cardBizId,
    };
    // One press of one button by one person is one command, however often DingTalk reports it. The
    // command's hash is part of it: an updated card reuses button ids for new commands.
    const commandHash = createHash("sha256").update(command).digest("hex").slice(0, 12);
    return {
      platform: "dingtalk",
      chatId: chat.conversationId,
      chatType: chat.group ? "group" : "direct",
      senderId: press.userId,
      senderName: "",
      text: command,
      messageId: `card-${press.cardBizId}-${press.actionId}-${commandHash}-${press.userId}`.slice(0, 256),
      mentioned: true,
      receivedAt: new Date(this.now()).toISOString(),
      replyHandle: { ...handle },
    };
  }

  /**
   * Acknowledged once queued or spooled. DingTalk never pushes a robot message again, so a
   * refusal is not left to a redelivery: the spool keeps it until the queue takes it.
   */
  private async accept(message: InboundMessage, ack: Ack): Promise<void> {
    try {
      await this.spool.accept(message);
      ack({});
    } catch (e) {
      this.log.error({ err: e instanceof Error ? e.message : String(e), messageId: message.messageId }, "dingtalk message could neither be queued nor spooled");
    }
  }
}

function safeJson(data: unknown): unknown {
  if (typeof data !== "string") return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
