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
  /** standby: closed on purpose, another gateway holds the connection (bot/connection-lease.ts). */
  state: "connecting" | "connected" | "reconnecting" | "replaced" | "standby" | "stopped";
  /** ISO time the connection entered this state. */
  since: string;
  reconnects: number;
}

/**
 * A platform connection only one process may hold at a time (WeCom's 智能机器人 closes the older
 * of two; DingTalk would split the stream between them): opened by the holder of the lease,
 * closed by a standby (bot/connection-lease.ts).
 */
export interface LongConnection {
  open(): void;
  standby(): void;
}

export interface StartOptions {
  /** Open the long connection at once (default). False: only its HTTP routes; the lease opens it. */
  connect?: boolean;
}

export interface PlatformAdapter {
  readonly platform: Platform;
  start(sink: InboundSink, options?: StartOptions): Promise<void>;
  /** The long connection this adapter holds, if it has one. */
  longConnection?(): LongConnection | undefined;
  /**
   * The sends that deliver replies or a push, in order. Must be deterministic for one message:
   * a retried job skips the sends that already went out by their position.
   */
  plan(message: OutboundMessage): Delivery[];
  stop(): Promise<void>;
  /** Live connections the adapter holds (none for callback-only platforms and the simulator). */
  status?(): ConnectionStatus[];
}
