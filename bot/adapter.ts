/** The port every platform adapter implements: transport only, no database, no commands. */
import type { InboundMessage, OutboundMessage, Platform } from "../messages/messages.ts";
import type { Delivery } from "./delivery.ts";

/** Hands a normalized message to the pipeline; resolves once it is safely queued (the ack point). */
export type InboundSink = (message: InboundMessage) => Promise<{ jobId: string; existed: boolean }>;

/** One platform connection as /healthz reports it. */
export interface ConnectionStatus {
  platform: Platform;
  /** Which connection of the platform (e.g. WeCom "bot"), when it has several kinds. */
  part?: string;
  state: "connecting" | "connected" | "reconnecting" | "replaced" | "stopped";
  /** ISO time the connection entered this state. */
  since: string;
  reconnects: number;
}

export interface PlatformAdapter {
  readonly platform: Platform;
  start(sink: InboundSink): Promise<void>;
  /**
   * The sends that deliver replies or a push, in order. Must be deterministic for one message:
   * a retried job skips the sends that already went out by their position.
   */
  plan(message: OutboundMessage): Delivery[];
  stop(): Promise<void>;
  /** Live connections the adapter holds (none for callback-only platforms and the simulator). */
  status?(): ConnectionStatus[];
}
