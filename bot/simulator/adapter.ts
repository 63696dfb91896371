/** The local simulator as a platform: replies go to the waiting HTTP request, pushes to the outbox. */
import type { OutboundMessage } from "../../messages/messages.ts";
import type { InboundSink, PlatformAdapter } from "../adapter.ts";
import type { Delivery } from "../delivery.ts";
import type { Outbox } from "./outbox.ts";
import type { ReplyHub } from "./reply-hub.ts";

export class SimulatorAdapter implements PlatformAdapter {
  readonly platform = "sim" as const;
  sink: InboundSink | undefined;

  constructor(
    readonly hub: ReplyHub,
    readonly outbox: Outbox,
  ) {}

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
    await this.hub.start();
  }

  plan(message: OutboundMessage): Delivery[] {
    const { replyTo } = message;
    if (replyTo) return [{ send: () => this.hub.deliver({ messageId: replyTo, chatId: message.chatId, replies: message.replies }) }];
    return message.replies.map((r) => ({ send: () => this.outbox.push(message.chatId, r.text, r.image) }));
  }

  async stop(): Promise<void> {
    await this.hub.close();
  }
}
