/**
 * The reverse-proxy recipe (deploy/caddy/Caddyfile, Debian's caddy) in front of the bot with a
 * self-signed certificate: a form link from the chat opens over HTTPS in a phone-sized Chromium and
 * is submitted through the proxy; the simulator (and its sign-in), the queue dashboard, /metrics and /healthz are not
 * reachable through it (the bot trusts loopback callers for /sim, and the proxy is on loopback).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { ensureTool } from "./support/tools.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";
import { freePort } from "./support/free-port.ts";

const ROOT = join(import.meta.dirname, "..");
let app: App;
let caddy: ChildProcess;
let browser: Browser;
let site = "";
let cert: Buffer;
let caddyOutput = "";

/** A GET through the proxy that checks the certificate against ours (no verification turned off). */
function viaProxy(path: string, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${site}${path}`, { method, ca: cert }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once("error", reject);
    req.end(method === "POST" ? '{"chatId":"x","userId":"y","userName":"z","text":"/帮助"}' : undefined);
  });
}

beforeAll(async () => {
  const caddyBin = ensureTool("caddy");
  const openssl = ensureTool("openssl");
  const chromiumPath = ensureTool("chromium");
  const dir = mkdtempSync(join(tmpdir(), "jl-proxy-"));
  const made = spawnSync(
    openssl,
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { encoding: "utf8" },
  );
  if (made.status !== 0) throw new Error(made.stderr);
  cert = readFileSync(join(dir, "cert.pem"));
  const [https, http, admin] = [await freePort(), await freePort(), await freePort()];
  site = `https://localhost:${https}`;
  app = await startTestApp({ PUBLIC_BASE_URL: site, FORM_SECRET: "p".repeat(40), PHOTO_DIR: join(dir, "photos") });
  caddy = spawn(caddyBin, ["run", "--config", join(ROOT, "deploy/caddy/Caddyfile"), "--adapter", "caddyfile"], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      XDG_DATA_HOME: join(dir, "data"),
      XDG_CONFIG_HOME: join(dir, "config"),
      CADDY_ADMIN: `localhost:${admin}`,
      CADDY_HTTP_PORT: String(http),
      CADDY_HTTPS_PORT: String(https),
      JIAOLIAN_SITE: site,
      JIAOLIAN_TLS_CERT: join(dir, "cert.pem"),
      JIAOLIAN_TLS_KEY: join(dir, "key.pem"),
      JIAOLIAN_UPSTREAM: new URL(app.url).host,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  caddy.stdout?.on("data", (d: Buffer) => {
    caddyOutput += d.toString();
  });
  caddy.stderr?.on("data", (d: Buffer) => {
    caddyOutput += d.toString();
  });
  const until = Date.now() + 30_000;
  while (
    !(await viaProxy("/f/x").then(
      (r) => r.status > 0,
      () => false,
    ))
  ) {
    if (caddy.exitCode !== null || Date.now() > until) throw new Error(`caddy did not start:\n${caddyOutput}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  if (caddy && caddy.exitCode === null) {
    const exited = new Promise((r) => caddy.once("exit", r));
    caddy.kill("SIGTERM");
    await exited;
  }
  await app?.close();
});

describe("behind the Caddy recipe, over HTTPS", () => {
  it("a form link from the chat opens through the proxy and is submitted once", async () => {
    const g = await boundGroup(app);
    const reply = await g.says("/表单");
    const link = /https:\/\/\S+\/f\/[A-Za-z0-9_.-]+/.exec(reply)?.[0] ?? "";
    expect(link.startsWith(`${site}/f/`)).toBe(true);
    // The self-signed certificate is the test's own; the request still goes through TLS to Caddy.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 390, height: 844 }, isMobile: true, locale: "zh-CN" });
    const page = await context.newPage();
    const opened = await page.goto(link);
    expect(opened?.status()).toBe(200);
    expect((await opened?.serverAddr())?.port).toBe(Number(new URL(site).port));
    await page.getByLabel("类型").selectOption("示范课");
    await page.getByLabel("主办校").selectOption("清涧县第二小学");
    await page.getByLabel("学科").selectOption("数学");
    await page.getByLabel("课题").fill("经过反向代理");
    await page.getByRole("button", { name: "提交" }).click();
    await page.getByText("已记录 #1").waitFor();
    expect(await g.activities()).toMatchObject([{ kind: "示范课", title: "经过反向代理" }]);
    await context.close();
  });

  it("keeps the simulator, the dashboard, /metrics and /healthz off the public side", async () => {
    for (const path of ["/sim/outbox?chatId=x", "/sim/activities?chatId=x", "/login/sim", "/admin/queues", "/metrics", "/healthz", "/anything-else"]) {
      expect({ path, status: (await viaProxy(path)).status }).toEqual({ path, status: 404 });
    }
    expect((await viaProxy("/sim/messages", "POST")).status).toBe(404);
    // …while the bot itself still answers them on the machine.
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
    // A public path does reach the bot: its own page for a link that is not valid.
    const bad = await viaProxy("/f/not-a-token");
    expect(bad.status).toBe(403);
    expect(bad.body).toContain("链接无效");
    // The privacy statement and a person's own data (/我的数据) are public too.
    expect((await viaProxy("/privacy")).body).toContain("隐私说明");
    expect((await viaProxy("/my/not-a-token")).status).toBe(403);
  });
});
