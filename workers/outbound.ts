/** The outbound processor: hands each message to the adapter of its platform (in the gateway process). */
import { UnrecoverableError } from "bullmq";
import type { PlatformAdapter } from "../bot/adapter.ts";
import type { OutboundMessage, Platform } from "../messages/messages.ts";

export function outboundProcessor(adapters: ReadonlyMap<Platform, PlatformAdapter>) {
  return async (message: OutboundMessage): Promise<void> => {
    const adapter = adapters.get(message.platform);
    if (!adapter) throw new UnrecoverableError(`no adapter for platform ${message.platform}`);
    await adapter.send(message);
  };
}
