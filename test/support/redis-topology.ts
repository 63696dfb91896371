/**
 * Real Redis Cluster and Sentinel deployments of the test's own, on free loopback ports, from the
 * machine's redis-server (a sentinel is `redis-server <conf> --sentinel`, the same binary Debian's
 * redis-sentinel package links). Nothing on disk outlives the test; every process is killed.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port.ts";

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: timed out`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function ask<T>(port: number, f: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => undefined);
  try {
    await r.connect();
    return await f(r);
  } finally {
    r.disconnect();
  }
}

class Servers {
  protected readonly children = new Map<number, ChildProcess>();
  protected readonly dir = mkdtempSync(join(tmpdir(), "jiaolian-redis-"));

  protected spawnServer(port: number, args: string[]): void {
    const child = spawn("redis-server", args, { stdio: "ignore", cwd: this.dir });
    this.children.set(port, child);
  }

  protected async answering(port: number): Promise<void> {
    await until(`redis on ${port}`, () => ask(port, (r) => r.ping()));
  }

  /** SIGKILL, as a crashed host: no shutdown save, no goodbye to clients. */
  async kill(port: number): Promise<void> {
    const child = this.children.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.children.keys()].map((p) => this.kill(p)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Three primaries, no replicas: every slot covered, so the cluster state is ok. */
export class OwnCluster extends Servers {
  ports: number[] = [];

  static async start(): Promise<OwnCluster> {
    const c = new OwnCluster();
    try {
      c.ports = [await freePort(), await freePort(), await freePort()];
      for (const port of c.ports) {
        c.spawnServer(port, ["--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--save", "", "--appendonly", "no"]);
      }
      for (const port of c.ports) await c.answering(port);
      const created = spawnSync("redis-cli", ["--cluster", "create", ...c.ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"], { encoding: "utf8", timeout: 20_000 });
      if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
      for (const port of c.ports) await until("cluster state ok", () => ask(port, async (r) => ((await r.cluster("INFO")) as string).includes("cluster_state:ok") || undefined));
      return c;
    } catch (e) {
      await c.stop();
      throw e;
    }
  }

  get nodes(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(",");
  }
}

/**
 * A primary, two replicas (so the promoted one still has a replica for REDIS_WAIT_REPLICAS=1),
 * and three sentinels (quorum 2) watching them as "mymaster".
 */
export class OwnSentinel extends Servers {
  primary = 0;
  replicas: number[] = [];
  sentinelPorts: number[] = [];
  readonly master = "mymaster";

  static async start(): Promise<OwnSentinel> {
    const s = new OwnSentinel();
    try {
      s.primary = await freePort();
      s.replicas = [await freePort(), await freePort()];
      const data = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
      s.spawnServer(s.primary, ["--port", String(s.primary), ...data]);
      for (const r of s.replicas) s.spawnServer(r, ["--port", String(r), "--replicaof", "127.0.0.1", String(s.primary), ...data]);
      await s.answering(s.primary);
      for (const port of s.replicas) await until("replica in sync", () => ask(port, async (r) => ((await r.info("replication")).includes("master_link_status:up") ? true : undefined)));
      for (let i = 0; i < 3; i++) {
        const port = await freePort();
        s.sentinelPorts.push(port);
        const conf = join(s.dir, `sentinel-${port}.conf`);
        // Short timings so a failover takes about two seconds instead of half a minute.
        writeFileSync(
          conf,
          [
            `port ${port}`,
            "bind 127.0.0.1",
            `sentinel monitor ${s.master} 127.0.0.1 ${s.primary} 2`,
            `sentinel down-after-milliseconds ${s.master} 600`,
            `sentinel failover-timeout ${s.master} 3000`,
            `sentinel parallel-syncs ${s.master} 1`,
            "",
          ].join("\n"),
        );
        s.spawnServer(port, [conf, "--sentinel"]);
      }
      for (const port of s.sentinelPorts) {
        await until("sentinel sees the replica and its peers", () =>
          ask(port, async (r) => {
            const [master] = (await r.call("SENTINEL", "MASTERS")) as string[][];
            const field = (name: string) => Number(master?.[(master?.indexOf(name) ?? -2) + 1] ?? 0);
            return field("num-slaves") >= 2 && field("num-other-sentinels") >= 2 ? true : undefined;
          }),
        );
      }
      return s;
    } catch (e) {
      await s.stop();
      throw e;
    }
  }

  get sentinels(): string {
    return this.sentinelPorts.map((p) => `127.0.0.1:${p}`).join(",");
  }

  /** The port the sentinels now name as primary. */
  async currentPrimary(): Promise<number> {
    const sentinel = this.sentinelPorts[0] as number;
    const [, port] = (await ask(sentinel, (r) => r.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", this.master))) as [string, string];
    return Number(port);
  }

  /** Waits until the sentinels have promoted another node than `old`. */
  async promotedOtherThan(old: number, timeoutMs = 20_000): Promise<number> {
    return until(
      "failover",
      async () => {
        const now = await this.currentPrimary();
        if (now === old) return undefined;
        return (await ask(now, async (r) => (await r.info("replication")).includes("role:master"))) ? now : undefined;
      },
      timeoutMs,
    );
  }
}
