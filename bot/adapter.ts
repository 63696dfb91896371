/** The port every platform adapter implements: transport only, no database, no commands. */
import type { InboundMessage, OutboundMessage, Platform } from "../messages/messages.ts";

/** Hands a normalized message to the pipeline; resolves once it is safely queued (the ack point). */
export type InboundSink = (message: InboundMessage) => Promise<{ jobId: string; existed: boolean }>;

export interface PlatformAdapter {
  readonly platform: Platform;
  start(sink: InboundSink): Promise<void>;
  /** Delivers replies or a push. Throws to make the outbound job retry later. */
  send(message: OutboundMessage): Promise<void>;
  stop(): Promise<void>;
}
