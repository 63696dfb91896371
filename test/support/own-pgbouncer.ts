/**
 * Debian's pgbouncer in transaction mode, of the test's own, on a free loopback port, in front of
 * the machine's PostgreSQL. Only the named databases are served (so a connection that should go
 * straight to the server, like creating a database, fails through it). Installed with apt-get
 * when the machine lacks it; PgBouncer refuses to run as root, so it runs as `postgres` then.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.ts";

const BINARY = "/usr/sbin/pgbouncer";

function ensureInstalled(): void {
  if (existsSync(BINARY)) return;
  // A fresh machine: the package list may be missing, so update once if the first try fails.
  const install = () => spawnSync("apt-get", ["install", "-y", "-q", "pgbouncer"], { stdio: "ignore", timeout: 180_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).status;
  if (install() !== 0) {
    spawnSync("apt-get", ["update", "-q"], { stdio: "ignore", timeout: 180_000 });
    if (install() !== 0) throw new Error("pgbouncer is not installed and apt-get install pgbouncer failed");
  }
}

export class OwnPgBouncer {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), "jiaolian-pgbouncer-"));
  private constructor(readonly port: number) {}

  /** `databases`: names on the local PostgreSQL to serve; `serverPool`: server connections per database. */
  static async start(databases: string[], serverPool = 2): Promise<OwnPgBouncer> {
    ensureInstalled();
    const b = new OwnPgBouncer(await freePort());
    chmodSync(b.dir, 0o755);
    const ini = join(b.dir, "pgbouncer.ini");
    writeFileSync(join(b.dir, "users.txt"), '"postgres" ""\n');
    writeFileSync(
      ini,
      [
        "[databases]",
        ...databases.map((d) => `${d} = host=127.0.0.1 port=5432 dbname=${d}`),
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${b.port}`,
        "unix_socket_dir =",
        "auth_type = trust",
        `auth_file = ${join(b.dir, "users.txt")}`,
        "pool_mode = transaction",
        `default_pool_size = ${serverPool}`,
        "max_client_conn = 200",
        "ignore_startup_parameters = extra_float_digits,options",
        "",
      ].join("\n"),
    );
    const asRoot = process.getuid?.() === 0;
    b.child = asRoot ? spawn("runuser", ["-u", "postgres", "--", BINARY, ini], { stdio: "ignore" }) : spawn(BINARY, [ini], { stdio: "ignore" });
    const until = Date.now() + 10_000;
    for (;;) {
      const c = new pg.Client({ connectionString: b.url(databases[0] as string), connectionTimeoutMillis: 1_000 });
      const ok = await c.connect().then(
        () => c.query("SELECT 1").then(() => true),
        () => false,
      );
      await c.end().catch(() => undefined);
      if (ok) return b;
      if (Date.now() > until) {
        await b.stop();
        throw new Error("own pgbouncer did not start");
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      // runuser passes the signal on to pgbouncer.
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
