/**
 * Private PostgreSQL and Redis servers for fault injection: started on free ports in a temporary
 * directory so they can be stopped and killed without touching the shared ones (5432/6379).
 * PostgreSQL comes from the machine's installation (/usr/lib/postgresql/<v>/bin); as root, its
 * tools run as user postgres (initdb refuses root).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pgBin(tool: string): string {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error("no PostgreSQL installation under /usr/lib/postgresql");
  return `/usr/lib/postgresql/${versions[0]}/bin/${tool}`;
}

const asRoot = userInfo().uid === 0;
/** Runs a PostgreSQL tool as user postgres when we are root. */
function pgTool(tool: string, args: string[]): void {
  const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", pgBin(tool), ...args]] : [pgBin(tool), args];
  execFileSync(cmd, argv, { stdio: "pipe" });
}

/** Clusters still running when this process exits (a test that threw before its cleanup) are stopped too. */
const running = new Set<PrivatePostgres>();
process.once("exit", () => {
  for (const pg of running) pg.destroy();
});

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    running.add(this);
  }

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), "jl-pg-"));
    if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
    pgTool("initdb", ["-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
    const pg = new PrivatePostgres(dir, await freePort());
    pg.start();
    return pg;
  }

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts (again) and waits until it accepts connections. */
  start(): void {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    pgTool("pg_ctl", ["-D", join(this.dir, "data"), "-o", options, "-l", join(this.dir, "log"), "-w", "-t", "60", "start"]);
  }

  /** Stops: "fast" disconnects every client (57P01), "immediate" is a crash. */
  stop(mode: "fast" | "immediate" = "fast"): void {
    pgTool("pg_ctl", ["-D", join(this.dir, "data"), "-m", mode, "-w", "-t", "60", "stop"]);
  }

  destroy(): void {
    running.delete(this);
    try {
      this.stop("immediate");
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class PrivateRedis {
  private child: ChildProcess | undefined;
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly settings: string[],
  ) {}

  /** `settings`: extra redis-server arguments (later ones win), e.g. ["--maxmemory-policy", "allkeys-lru"]. */
  static async start(settings: string[] = []): Promise<PrivateRedis> {
    const r = new PrivateRedis(mkdtempSync(join(tmpdir(), "jl-redis-")), await freePort(), settings);
    await r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Nothing persisted (the harshest case): a restart starts empty. noeviction as BullMQ needs. */
  async start(): Promise<void> {
    if (!this.child) process.once("exit", () => this.child?.kill("SIGKILL")); // also when a test threw before its cleanup
    this.child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir, "--maxmemory-policy", "noeviction", ...this.settings],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync("redis-cli", ["-p", String(this.port), "ping"], { stdio: "pipe" });
        return;
      } catch {
        await sleep(50);
      }
    }
    throw new Error("private redis-server did not start");
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
