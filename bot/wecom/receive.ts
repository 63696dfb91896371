/**
 * WeCom in: 智能机器人 frames (messages, template card clicks, entering a 1:1 chat) →
 * InboundMessage, handed to the sink. Frames are parsed by ./inbound.ts; a click becomes the
 * command its button or chosen option stands for. (The self-built app's callback is
 * ./app-callback.ts, registered by the adapter.)
 */
import type { Logger } from "../../config/logger.ts";
import type { InboundMessage } from "../../messages/messages.ts";
import type { InboundSink } from "../adapter.ts";
import type { BotConnection } from "./bot-connection.ts";
import type { CardStore } from "./cards.ts";
import { cardClickFromFrame, messageFromFrame, type Frame, type WecomReplyHandle } from "./inbound.ts";

const WELCOME = "你好，我是教联体助手。发送 /帮助 查看命令，例如：/记录 示范课 11月20日 二小 语文";

export class WecomReceiver {
  constructor(
    private readonly sink: InboundSink,
    private readonly cards: CardStore,
    private readonly log: Logger,
  ) {}

  /** The handlers the long connection calls, one per kind of frame. */
  handlers(connection: BotConnection) {
    return {
      message: (f: Frame) => this.accept(messageFromFrame(f, new Date()), f),
      cardEvent: (f: Frame) => void this.onCardClick(f),
      enterChat: (f: Frame) => {
        const reqId = typeof f.headers?.req_id === "string" ? f.headers.req_id : undefined;
        if (reqId) connection.welcome(reqId, WELCOME).catch((e: Error) => this.log.warn({ err: e.message }, "welcome not sent"));
      },
    };
  }

  private accept(message: InboundMessage | undefined, frame: Frame): void {
    if (!message) {
      this.log.debug({ msgtype: (frame.body as { msgtype?: unknown } | undefined)?.msgtype }, "wecom frame ignored (not a text or voice message)");
      return;
    }
    this.sink(message).catch((e: Error) => this.log.error({ err: e.message, messageId: message.messageId }, "wecom message could not be queued"));
  }

  private async onCardClick(frame: Frame): Promise<void> {
    const click = cardClickFromFrame(frame);
    if (!click) return this.log.debug("wecom card event ignored (malformed)");
    const option = click.optionIds[0];
    const command = click.eventKey?.startsWith("/") ? click.eventKey : click.taskId && option ? await this.cards.choice(click.taskId, option) : undefined;
    if (!command) return; // "done" buttons, or a card of ours that expired
    const handle: WecomReplyHandle = {
      via: "bot",
      reqId: click.reqId,
      kind: "card",
      userId: click.userId,
      ...(click.taskId ? { taskId: click.taskId } : {}),
      ...(click.cardType ? { cardType: click.cardType } : {}),
    };
    this.accept(
      {
        platform: "wecom",
        chatId: click.chatId,
        chatType: click.chatType,
        senderId: click.userId,
        senderName: "",
        text: command,
        messageId: click.msgid,
        mentioned: true,
        receivedAt: new Date().toISOString(),
        replyHandle: { ...handle },
      },
      frame,
    );
  }
}
