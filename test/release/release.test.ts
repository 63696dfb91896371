/**
 * `npm run release` as a county IT person uses it: build the archive, unpack it into an empty
 * folder, migrate, start it with the npm registry unreachable and npm itself poisoned, get a first
 * reply through the simulator, stop, on each Node.js of RELEASE_NODES (CI: the current LTS line as
 * well as the development Node).
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ownDatabaseUrl } from "../support/own-database-name.ts";
import { testPrefix } from "../support/env.ts";
import { freePort } from "../support/free-port.ts";

const ROOT = join(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "jl-release-"));
// RELEASE_NODES: colon-separated Node.js binaries to start the unpacked release with (CI: 20 and the LTS line).
const nodes = (process.env.RELEASE_NODES ?? process.execPath).split(":").filter(Boolean);
const node = nodes[0]!;

// npm and npx that only leave a mark: the unpacked release must never call them.
const poison = join(work, "poison");
const marker = join(work, "npm-was-called");
mkdirSync(poison);
for (const tool of ["npm", "npx"]) {
  writeFileSync(join(poison, tool), `#!/bin/sh\necho "$0 $*" >> ${marker}\nexit 1\n`);
  chmodSync(join(poison, tool), 0o755);
}

let stopBot: (() => Promise<number | null>) | undefined;
afterAll(async () => {
  await stopBot?.();
});

describe("the release archive", () => {
  let unpacked = "";
  const databaseUrl = ownDatabaseUrl(inject("testRunId"), "release");
  const offlineEnv = (extra: Record<string, string>, nodeBinary = node) => ({
    PATH: `${poison}:/usr/bin:/bin`,
    HOME: work,
    NODE: nodeBinary,
    // A closed loopback port: anything that tried the registry would fail at once.
    npm_config_registry: "http://127.0.0.1:9/",
    HTTP_PROXY: "http://127.0.0.1:9",
    HTTPS_PROXY: "http://127.0.0.1:9",
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    ...extra,
  });

  it("builds, printing the archive's path as the last line", () => {
    const built = spawnSync(process.execPath, [join(ROOT, "scripts/release.mjs")], { cwd: ROOT, encoding: "utf8", env: { ...process.env, RELEASE_DIR: join(work, "out") } });
    expect(built.status, built.stderr).toBe(0);
    const archive = built.stdout.trim().split("\n").at(-1) ?? "";
    expect(archive).toMatch(/jiaolian-\d+\.\d+\.\d+-(g[0-9a-f]{10}(-dirty)?|nogit)\.tar\.gz$/);
    unpacked = join(work, "opt");
    mkdirSync(unpacked);
    expect(spawnSync("tar", ["-C", unpacked, "-xzf", archive]).status).toBe(0);
    const [folder] = readdirSync(unpacked);
    unpacked = join(unpacked, folder!);
    // Compiled code, migrations, production dependencies only, a start script.
    expect(existsSync(join(unpacked, "dist/app/start.js"))).toBe(true);
    expect(existsSync(join(unpacked, "dist/generated/prisma/client.js"))).toBe(true);
    expect(readdirSync(join(unpacked, "prisma/migrations")).length).toBeGreaterThan(0);
    expect(existsSync(join(unpacked, "node_modules/bullmq"))).toBe(true);
    // (typescript does come along: an optional peer of @prisma/client and valibot, which npm keeps.)
    for (const dev of ["vitest", "@biomejs", "playwright-core", "madge", "tsx"]) expect(existsSync(join(unpacked, "node_modules", dev)), dev).toBe(false);
    expect(existsSync(join(unpacked, "start"))).toBe(true);
    // About two minutes on an idle CI machine; a quarter of an hour on one shared by several builds.
  }, 1_800_000);

  it("./start migrate only migrates, and says so", () => {
    const first = spawnSync(join(unpacked, "start"), ["migrate"], { cwd: work, encoding: "utf8", env: offlineEnv({}) });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/执行 \d+ 个迁移/);
    const again = spawnSync(join(unpacked, "start"), ["migrate"], { cwd: work, encoding: "utf8", env: offlineEnv({}) });
    expect(again.stdout).toContain("没有要执行的迁移");
  }, 60_000);

  it.each(nodes)(
    "./start runs offline on %s and answers its first message through the simulator",
    async (nodeBinary) => {
      const port = await freePort();
      const child = spawn(join(unpacked, "start"), [], {
        cwd: work,
        env: offlineEnv({ PORT: String(port), SIMULATOR: "true", QUEUE_PREFIX: testPrefix(), LOG_LEVEL: "warn", SCHEDULER_ENABLED: "false" }, nodeBinary),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d: Buffer) => {
        output += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        output += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      stopBot = async () => {
        if (child.exitCode === null) child.kill("SIGTERM");
        return exited;
      };
      const url = `http://127.0.0.1:${port}`;
      const until = Date.now() + 60_000;
      while (
        !(await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        if (child.exitCode !== null || Date.now() > until) throw new Error(`release did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const res = await fetch(`${url}/sim/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ chatId: "release-g", userId: "release-u", userName: "管理员", text: "/帮助" }),
      });
      const body = (await res.json()) as { replies?: { text: string }[] };
      expect(res.status).toBe(200);
      expect(body.replies?.map((r) => r.text).join("\n")).toContain("/记录");
      expect(await stopBot()).toBe(0);
      expect(existsSync(marker), "npm or npx was called").toBe(false);
      const version = spawnSync(nodeBinary, ["--version"], { encoding: "utf8" }).stdout.trim();
      console.info(`release ran on Node ${version}`);
    },
    120_000,
  );
});
