/**
 * Platform liveness for /healthz: a bot whose platform connection is down is deaf, even with
 * Redis and PostgreSQL fine. Unhealthy when a connection was replaced by another instance (it
 * will not come back by itself) or has not been connected for longer than `downMs`; healthy as a
 * standby (another gateway holds the lease and the connection, this one takes over if it dies).
 */
import type { ConnectionStatus, PlatformAdapter } from "./adapter.ts";

export interface PlatformHealth {
  platform: string;
  part?: string;
  state: ConnectionStatus["state"];
  since: string;
  /** Human-readable summary, e.g. "reconnecting since 2026-11-28T01:02:03.000Z". */
  detail: string;
  healthy: boolean;
  reconnects?: number;
}

export function platformHealth(adapters: Iterable<PlatformAdapter>, nowMs: number, downMs: number, verbose: boolean): PlatformHealth[] {
  const out: PlatformHealth[] = [];
  for (const adapter of adapters) {
    for (const s of adapter.status?.() ?? []) {
      const downFor = nowMs - Date.parse(s.since);
      // A standby is healthy: it closed the connection on purpose and takes it over when the holder dies.
      const healthy = s.state === "connected" || s.state === "stopped" || s.state === "standby" || (s.state !== "replaced" && downFor <= downMs);
      out.push({
        platform: s.platform,
        ...(s.part ? { part: s.part } : {}),
        state: s.state,
        since: s.since,
        detail: s.state === "connected" ? "connected" : s.state === "standby" ? `standby since ${s.since} (another gateway holds the connection)` : `${s.state} since ${s.since}`,
        healthy,
        ...(verbose ? { reconnects: s.reconnects } : {}),
      });
    }
  }
  return out;
}
