/**
 * One platform's adapters, one per organisation, as one adapter (messages/orgs.ts): messages an
 * organisation's adapter receives are qualified by its key before they enter the pipeline, and a
 * reply or push goes to the adapter of the organisation its chat id names, with the ids that
 * organisation's API knows. The adapters themselves stay single-organisation and unchanged.
 */
import type { InboundMessage, OutboundMessage, Platform } from "../messages/messages.ts";
import { UnrecoverableError } from "bullmq";
import { LEGACY_ORG, localId, orgOf, qualify } from "../messages/orgs.ts";
import type { ConnectionStatus, InboundSink, LongConnection, PlatformAdapter, StartOptions } from "./adapter.ts";
import type { Delivery } from "./delivery.ts";

/** Picture references carry their organisation: the download needs that organisation's app (app/platforms.ts). */
export const PICTURE_ORG = "org";

export function qualifyInbound(org: string, m: InboundMessage): InboundMessage {
  const q = (id: string) => qualify(org, id);
  return {
    ...m,
    chatId: q(m.chatId),
    senderId: q(m.senderId),
    messageId: q(m.messageId),
    ...(m.mentions ? { mentions: m.mentions.map((x) => ({ ...x, userId: q(x.userId) })) } : {}),
    ...(m.pictures ? { pictures: m.pictures.map((p) => ({ ...p, [PICTURE_ORG]: org })) } : {}),
  };
}

export function localOutbound(m: OutboundMessage): OutboundMessage {
  return { ...m, chatId: localId(m.chatId), ...(m.replyTo !== undefined ? { replyTo: localId(m.replyTo) } : {}) };
}

export class OrgRouter implements PlatformAdapter {
  constructor(
    readonly platform: Platform,
    private readonly byOrg: ReadonlyMap<string, PlatformAdapter>,
  ) {}

  async start(sink: InboundSink, options?: StartOptions): Promise<void> {
    for (const [org, adapter] of this.byOrg) await adapter.start((m) => sink(qualifyInbound(org, m)), options);
  }

  /** Every organisation's connection under the one lease (bot/connection-lease.ts): opened and closed together. */
  longConnection(): LongConnection | undefined {
    const all = [...this.byOrg.values()].flatMap((a) => a.longConnection?.() ?? []);
    if (all.length === 0) return undefined;
    return {
      open: () => {
        for (const c of all) c.open();
      },
      standby: () => {
        for (const c of all) c.standby();
      },
    };
  }

  plan(message: OutboundMessage): Delivery[] {
    const org = orgOf(message.chatId);
    const adapter = this.byOrg.get(org);
    // An organisation taken out of the configuration: its chats cannot be reached any more.
    if (!adapter) throw new UnrecoverableError(`no ${this.platform} organisation "${org}" configured`);
    // Rate buckets are per chat: the same chat id in two organisations is two chats.
    return adapter.plan(localOutbound(message)).map((d) => (d.bucket ? { ...d, bucket: qualify(org, d.bucket) } : d));
  }

  status(): ConnectionStatus[] {
    return [...this.byOrg].flatMap(([org, a]) => (a.status?.() ?? []).map((s) => (this.byOrg.size > 1 || org !== LEGACY_ORG ? { ...s, part: s.part ? `${org}:${s.part}` : org } : s)));
  }

  async stop(): Promise<void> {
    for (const adapter of this.byOrg.values()) await adapter.stop();
  }
}
