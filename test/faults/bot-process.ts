/** The bot as OS processes for fault injection: one ROLE=all, or one gateway plus workers. */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const START = fileURLToPath(new URL("../../app/start.ts", import.meta.url));
let command: string[] = ["--import", "tsx", START];

/**
 * Runs the bot as `npm start` does (compiled, same heap flags) rather than under tsx: a restart's
 * boot is then what production sees (tsx transpiling every module on a loaded 2-core machine took
 * 12–16 s of the measured recovery). Builds dist/ first.
 */
export function useCompiledBot(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url)), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  command = ["--max-semi-space-size=4", "--max-old-space-size=160", fileURLToPath(new URL("../../dist/app/start.js", import.meta.url))];
}

export class BotProcess {
  private output = "";
  readonly exited: Promise<number | null>;
  private constructor(readonly child: ChildProcess) {
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  static spawn(env: Record<string, string>): BotProcess {
    const child = spawn(process.execPath, command, { env: { ...process.env, LOG_LEVEL: "warn", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    return new BotProcess(child);
  }

  /** Lines that did not go through pino (a raw `Error: connect ECONNREFUSED` would be one). */
  rawLines(): string[] {
    return this.output.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("{"));
  }

  logs(): string {
    return this.output;
  }

  async kill(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Waits until GET /healthz answers 200 (both databases reachable). */
export async function waitHealthy(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`bot at ${url} not healthy after ${timeoutMs} ms`);
}
