/**
 * The bot's Prometheus metrics (GET /metrics). Named instruments that any part may increment:
 * platform adapters report connection states and reconnects, schedulers their digest/reminder
 * deliveries. One registry per process; label values are small closed sets (never a chat id).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: "jiaolian_process_" });

const registers = [metricsRegistry];

/** Messages accepted by the gateway (queued or recognised as a redelivery). */
export const messagesIn = new Counter({ name: "jiaolian_messages_in_total", help: "Inbound messages accepted by the gateway", labelNames: ["platform", "outcome"] as const, registers });
/** Messages processed by a worker, by command ("none" for chatter, "unknown" for a non-command). */
export const messagesProcessed = new Counter({ name: "jiaolian_messages_processed_total", help: "Inbound messages processed", labelNames: ["platform", "command", "outcome"] as const, registers });
/** Reply jobs queued for sending. */
export const messagesOut = new Counter({ name: "jiaolian_messages_out_total", help: "Outbound reply jobs queued", labelNames: ["platform", "command"] as const, registers });
export const processingSeconds = new Histogram({
  name: "jiaolian_processing_seconds",
  help: "Time from a worker taking a message to its reply queued",
  labelNames: ["platform", "command"] as const,
  registers,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120, 600],
});
export const queueDelaySeconds = new Histogram({
  name: "jiaolian_queue_delay_seconds",
  help: "Time a job waited in its queue before a worker took it",
  labelNames: ["queue"] as const,
  registers,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
});
/** Attempts repeated: reason "connection" (database/Redis unreachable, waited out) or "error". */
export const retries = new Counter({ name: "jiaolian_retries_total", help: "Job attempts repeated", labelNames: ["queue", "reason"] as const, registers });
/** Gauge 1 while the worker waits for PostgreSQL/Redis to come back. */
export const dependencyDown = new Gauge({ name: "jiaolian_dependency_outage", help: "1 while workers wait for the database or Redis", registers });
export const outageNotices = new Counter({ name: "jiaolian_outage_notices_total", help: "'Received, will be recorded' notices sent during outages", registers });
export const throttledSends = new Counter({ name: "jiaolian_throttled_sends_total", help: "Sends delayed by a rate limit or platform throttling", labelNames: ["platform"] as const, registers });
export const rateLimited = new Counter({
  name: "jiaolian_inbound_rate_limited_total",
  help: "Inbound messages dropped by the per-sender/per-chat limits",
  labelNames: ["platform", "scope"] as const,
  registers,
});
/** For platform adapters: 1 connected, 0 not. */
/** What the adapters say of their connections (bot/adapter.ts ConnectionStatus), read at scrape time. */
export type PlatformStates = () => { platform: string; part?: string | undefined; state: string; reconnects: number }[];
const platformSources = new Set<PlatformStates>();
const seenReconnects = new Map<string, number>();
export const platformReconnects = new Counter({ name: "jiaolian_platform_reconnects_total", help: "Platform connection re-established", labelNames: ["platform"] as const, registers });
export const platformConnected = new Gauge({
  name: "jiaolian_platform_connected",
  help: "Platform connection state (1 connected)",
  labelNames: ["platform"] as const,
  registers,
  collect() {
    this.reset();
    for (const source of platformSources) {
      for (const s of source()) {
        const platform = s.part ? `${s.platform}:${s.part}` : s.platform;
        this.set({ platform }, s.state === "connected" ? 1 : 0);
        // The adapters count reconnects themselves; the counter moves by what is new since the last scrape.
        const delta = s.reconnects - (seenReconnects.get(platform) ?? 0);
        if (delta > 0) platformReconnects.inc({ platform }, delta);
        seenReconnects.set(platform, s.reconnects);
      }
    }
  },
});

export function watchPlatforms(source: PlatformStates): () => void {
  platformSources.add(source);
  return () => platformSources.delete(source);
}
/** For schedulers: kind as in the delivery ledger (reminder kinds, weekly digest), outcome "queued" | "late" | "skipped". */
export const scheduledDeliveries = new Counter({ name: "jiaolian_scheduled_deliveries_total", help: "Digest and reminder deliveries", labelNames: ["kind", "outcome"] as const, registers });

/**
 * Which process this is (info-style: always 1): Prometheus tells scrape targets apart by its own
 * `instance` label; this names the host, pid and role behind it.
 */
export const processInfo = new Gauge({ name: "jiaolian_process_info", help: "This process: host:pid and role", labelNames: ["process", "role"] as const, registers });
/**
 * 1 in the one process that exports the cluster-wide gauges (jiaolian_queue_jobs), 0 elsewhere:
 * queue depths are the same whichever process reads them, so only the holder of a Redis lease
 * reports them, and sum() over all targets counts each job once.
 */
export const clusterGaugesExporter = new Gauge({ name: "jiaolian_cluster_gauges_exporter", help: "1 in the process exporting cluster-wide gauges", registers });

/** Job counts per queue and state, read from Redis at scrape time (by the exporting process only). */
export type QueueCounts = () => Promise<Record<string, Record<string, number>>>;
const queueSources = new Set<QueueCounts>();
new Gauge({
  name: "jiaolian_queue_jobs",
  help: "Jobs per queue and state",
  labelNames: ["queue", "state"] as const,
  registers,
  async collect() {
    this.reset();
    for (const source of queueSources) {
      const counts = await source().catch(() => ({}) as Record<string, Record<string, number>>);
      for (const [queue, states] of Object.entries(counts)) for (const [state, n] of Object.entries(states)) this.inc({ queue, state }, n);
    }
  },
});

/** Adds a source of queue depths; returns a function that removes it (when the app closes). */
export function watchQueues(source: QueueCounts): () => void {
  queueSources.add(source);
  return () => queueSources.delete(source);
}

/** WeCom 智能机器人 proactive sends refused for the conversation's daily quota, by where the message went instead ("app" or "none"). */
export const wecomQuotaRefusals = new Counter({
  name: "jiaolian_wecom_proactive_quota_refusals_total",
  help: "WeCom bot proactive sends refused by the per-conversation daily quota",
  labelNames: ["fallback"] as const,
  registers,
});

/** Exports sent as platform file messages, or given up (too_large, refused, unsupported, error: the link in the text remains). */
export const platformFiles = new Counter({
  name: "jiaolian_platform_files_total",
  help: "Export files sent as platform file messages, by outcome",
  labelNames: ["platform", "outcome"] as const,
  registers,
});
