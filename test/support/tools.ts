/**
 * A program some tests drive (Chromium, Caddy, systemd-analyze, openssl), found or installed from
 * Debian by scripts/ensure-tool.mjs exactly as CI does: `npm test` on a fresh machine needs no
 * separate step, and a test without its tool fails loudly with the command to run, never skips.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export function ensureTool(name: "chromium" | "caddy" | "openssl" | "systemd-analyze"): string {
  const found = spawnSync(process.execPath, [join(import.meta.dirname, "../../scripts/ensure-tool.mjs"), name], { encoding: "utf8" });
  if (found.status !== 0) throw new Error(`no ${name} for this test:\n${found.stderr}`);
  return found.stdout.trim().split("\n").at(-1) ?? "";
}
