/** The port every platform adapter implements: transport only, no database, no commands. */
import type { InboundMessage, OutboundMessage, Platform } from "../messages/messages.ts";
import type { Delivery } from "./delivery.ts";

/** Hands a normalized message to the pipeline; resolves once it is safely queued (the ack point). */
export type InboundSink = (message: InboundMessage) => Promise<{ jobId: string; existed: boolean }>;

export interface PlatformAdapter {
  readonly platform: Platform;
  start(sink: InboundSink): Promise<void>;
  /**
   * The sends that deliver replies or a push, in order. Must be deterministic for one message:
   * a retried job skips the sends that already went out by their position.
   */
  plan(message: OutboundMessage): Delivery[];
  stop(): Promise<void>;
}
