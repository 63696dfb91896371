/**
 * dingtalk-stream's DWClient with what it lacks: a configurable gateway URL (the package has it
 * as a constant; private DingTalk deployments and tests need another), frames that do not parse
 * no longer throw out of the socket handler (that would crash the process), a server
 * "disconnect" notice ends the socket at once so the client reconnects without waiting the
 * server's 10 s, and a configurable keepalive so a silent socket is noticed and replaced.
 */
import { DWClient, type DWClientDownStream } from "dingtalk-stream";
import type { Logger } from "../../config/logger.ts";
import { requestJson } from "../http-json.ts";

export interface StreamClientOptions {
  clientId: string;
  clientSecret: string;
  gatewayUrl: string;
  keepAliveMs: number;
  log: Logger;
}

/** The fields of DWClient that TypeScript calls private but that its subclass must set. */
interface DWClientInternals {
  dw_url?: string;
  heartbeat_interval: number;
  reconnectInterval: number;
  socket?: { terminate(): void };
}

export class StreamClient extends DWClient {
  private readonly internals = this as unknown as DWClientInternals;

  constructor(private readonly opts: StreamClientOptions) {
    super({ clientId: opts.clientId, clientSecret: opts.clientSecret, keepAlive: true, ua: "jiaolian-bot" });
    this.internals.heartbeat_interval = opts.keepAliveMs;
    this.internals.reconnectInterval = 500;
  }

  override async getEndpoint(): Promise<this> {
    const { clientId, clientSecret, ua, subscriptions } = this.config;
    const answer = await requestJson<{ endpoint?: string; ticket?: string }>("dingtalk gateway", this.opts.gatewayUrl, {
      body: { clientId, clientSecret, ua, subscriptions }, headers: { accept: "application/json" },
    });
    if (!answer.endpoint || !answer.ticket) throw new Error("dingtalk gateway: no endpoint or ticket");
    this.internals.dw_url = `${answer.endpoint}?ticket=${encodeURIComponent(answer.ticket)}`;
    return this;
  }

  override onDownStream(data: string): void {
    try {
      super.onDownStream(data);
    } catch (e) {
      this.opts.log.warn({ err: e instanceof Error ? e.message : String(e) }, "dingtalk stream frame ignored (malformed)");
    }
  }

  override onSystem(downstream: DWClientDownStream): void {
    super.onSystem(downstream);
    if (downstream.headers?.topic === "disconnect") {
      this.opts.log.info("dingtalk asked this connection to go; reconnecting now");
      // Closing fires the client's own reconnect (autoReconnect).
      this.internals.socket?.terminate();
    }
  }
}
