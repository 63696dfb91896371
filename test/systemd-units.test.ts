/**
 * The systemd units in deploy/systemd/ as an admin installs them: `systemd-analyze verify` (Debian's
 * systemd, installed by scripts/ensure-tool.mjs when missing) accepts them, and each has what a
 * service needs in production: restart policy, environment file, its own user, file limit, hardening.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTool } from "./support/tools.ts";
import { describe, expect, it } from "vitest";

const UNITS = join(import.meta.dirname, "../deploy/systemd");
const services = readdirSync(UNITS).filter((f) => f.endsWith(".service"));
const text = (unit: string) => readFileSync(join(UNITS, unit), "utf8");

describe("systemd units", () => {
  it("ships a gateway, a worker template and a migrate-only unit", () => {
    expect(services.sort()).toEqual(["jiaolian-gateway.service", "jiaolian-migrate.service", "jiaolian-worker@.service"]);
  });

  it("pass systemd-analyze verify", () => {
    const analyze = ensureTool("systemd-analyze");
    // verify checks that ExecStart= exists: point the units at a release folder of our own.
    const root = mkdtempSync(join(tmpdir(), "jl-units-"));
    const release = join(root, "current");
    mkdirSync(release);
    writeFileSync(join(release, "start"), "#!/bin/sh\n");
    chmodSync(join(release, "start"), 0o755);
    const files = services.map((unit) => {
      const path = join(root, unit.replace("@.service", "@1.service"));
      writeFileSync(path, text(unit).replaceAll("/opt/jiaolian/current", release));
      return path;
    });
    const run = spawnSync(analyze, ["verify", "--man=no", ...files], { encoding: "utf8" });
    // Lines about this container having no running systemd are not about the units.
    const complaints = `${run.stdout}${run.stderr}`
      .split("\n")
      .filter((l) => l.trim() !== "" && !/System has not been booted with systemd|Failed to connect to bus|Failed to prepare filename|\.mount:|\.slice:|\.socket:|\.target:/.test(l));
    expect({ status: run.status, complaints }).toEqual({ status: 0, complaints: [] });
  });

  it.each(["jiaolian-gateway.service", "jiaolian-worker@.service"])("%s restarts, reads /etc/jiaolian/jiaolian.env, runs as jiaolian, hardened", (unit) => {
    const u = text(unit);
    for (const line of [
      "Restart=always",
      "EnvironmentFile=/etc/jiaolian/jiaolian.env",
      "User=jiaolian",
      "LimitNOFILE=65536",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "ExecStart=/opt/jiaolian/current/start",
    ]) {
      expect(u.split("\n")).toContain(line);
    }
    expect(u).toMatch(/^Environment=ROLE=(gateway|worker)$/m);
    // Photos and the spool live in the state folder, not in the release an upgrade replaces.
    expect(u).toMatch(/^Environment=PHOTO_DIR=\/var\/lib\/jiaolian\/photos$/m);
    expect(u).toMatch(/^StateDirectory=jiaolian$/m);
  });
});
