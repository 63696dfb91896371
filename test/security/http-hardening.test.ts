/**
 * The HTTP server itself: headers on every page and file, no token in a log line, slow requests
 * cut off, bodies of refused requests never read.
 */
import { connect } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app/app.ts";
import { createHttpServer } from "../../bot/http.ts";
import { createLogger } from "../../config/logger.ts";
import { signToken, verifyToken } from "../../core/signed-token.ts";
import { boundGroup, startTestApp } from "../support/harness.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp({ FORM_SECRET: "s".repeat(40), HTTP_REQUEST_TIMEOUT_MS: "1500", HTTP_HEADERS_TIMEOUT_MS: "1000", HTTP_IDLE_TIMEOUT_MS: "20000" });
});
afterAll(async () => app?.close());

describe("headers an auditor looks for", () => {
  it("every HTML page, file and JSON answer forbids framing, sniffing and referrers, with a CSP", async () => {
    for (const path of ["/f/nope", "/d/nope", "/c/nope", "/p/nope", "/healthz", "/nowhere"]) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("no-referrer");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).not.toContain("script-src");
    }
  });
});

describe("tokens never reach the log", () => {
  it("a handler failing on a link route logs the route pattern, not the path holding the token", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const http = createHttpServer(createLogger("info", "t", sink), async () => ({ redis: true, postgres: true }));
    http.get("/d/:token", async () => {
      throw new Error("boom");
    });
    const secret = "eyJ3IjoibGVkZ2VyIn0.SECRETSIGNATUREabcdefghijklmnopqrstuvwxyz012";
    const res = await http.inject({ method: "GET", url: `/d/${secret}?x=1` });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain("boom");
    const log = lines.join("");
    expect(log).toContain("/d/:token");
    expect(log).not.toContain("SECRETSIGNATURE");
    await http.close();
  });
});

/** Opens a raw connection, sends the headers and then one byte of body every `everyMs`; resolves with what the server answered and when it closed. */
function trickle(url: string, path: string, headers: Record<string, string>, everyMs: number, maxMs: number): Promise<{ answer: string; closedAfterMs: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const start = Date.now();
    let answer = "";
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\n${Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join("")}\r\n`,
      );
    });
    const timer = setInterval(() => socket.writable && socket.write("x"), everyMs);
    const stop = setTimeout(() => socket.destroy(), maxMs);
    socket.on("data", (d) => (answer += String(d)));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      clearTimeout(stop);
      resolve({ answer, closedAfterMs: Date.now() - start });
    });
  });
}

describe("slow requests", () => {
  it("a body trickled one byte at a time is cut off at the request deadline (408)", async () => {
    const { answer, closedAfterMs } = await trickle(app.url, "/sim/messages", { "content-type": "application/json", "content-length": "100000" }, 200, 8_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(4_000);
  });

  it("headers that never end are cut off too", async () => {
    const { hostname, port } = new URL(app.url);
    const closedAfterMs = await new Promise<number>((resolve) => {
      const start = Date.now();
      const socket = connect(Number(port), hostname, () => socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
      const timer = setInterval(() => socket.writable && socket.write("X-Slow: 1\r\n"), 200);
      const stop = setTimeout(() => socket.destroy(), 8_000);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        clearInterval(timer);
        clearTimeout(stop);
        resolve(Date.now() - start);
      });
    });
    expect(closedAfterMs).toBeLessThan(4_000);
  });
});

describe("form links refuse before reading the body", () => {
  it("a forged or expired link answers at once, though the 50 MB body it announces never comes", async () => {
    const forged = await trickle(app.url, "/f/abc.def", { "content-type": "multipart/form-data; boundary=xyz", "content-length": String(50 * 1024 * 1024) }, 5_000, 8_000);
    expect(forged.answer).toMatch(/^HTTP\/1\.1 403/);
    expect(forged.closedAfterMs).toBeLessThan(1_500);
    const expired = signToken("s".repeat(40), { exp: 1 });
    const old = await trickle(app.url, `/f/${expired}`, { "content-type": "multipart/form-data; boundary=xyz", "content-length": String(50 * 1024 * 1024) }, 5_000, 8_000);
    expect(old.answer).toMatch(/^HTTP\/1\.1 (410|403)/);
    expect(old.closedAfterMs).toBeLessThan(1_500);
  });

  it("a link already used answers at once too (it used to buffer the whole upload first)", async () => {
    const g = await boundGroup(app);
    const url = /https?:\/\/\S+\/f\/[A-Za-z0-9_.-]+/.exec(await g.says("/表单 示范课"))?.[0] ?? "";
    const fd = new FormData();
    for (const [k, v] of Object.entries({ kind: "示范课", date: "2026-11-20", host: "清涧县第二小学", subject: "语文", title: "分数的意义" })) fd.append(k, v);
    expect((await fetch(url, { method: "POST", body: fd })).status).toBe(200);
    const used = await trickle(app.url, new URL(url).pathname, { "content-type": "multipart/form-data; boundary=xyz", "content-length": String(50 * 1024 * 1024) }, 5_000, 8_000);
    expect(used.answer).toMatch(/^HTTP\/1\.1 409/);
    expect(used.answer).toMatch(/已经提交过了/);
    expect(used.closedAfterMs).toBeLessThan(1_500);
  });
});

describe("signed tokens have one spelling", () => {
  const secret = "k".repeat(40);
  const now = new Date("2026-11-22T00:00:00Z");
  const token = signToken(secret, { c: 1, exp: now.getTime() + 60_000 });

  it("accepts the token as issued", () => {
    expect(verifyToken(secret, token, now).ok).toBe(true);
  });

  it("refuses padding, standard-alphabet and low-bit variants that decode to the same signature", () => {
    const [body, sig] = token.split(".") as [string, string];
    const last = sig.at(-1)!;
    // 32 bytes are 43 base64url characters: the last one carries 2 bits that decoding ignores.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const idx = alphabet.indexOf(last);
    const sibling = alphabet[(idx & ~3) | ((idx + 1) & 3)]!;
    const variants = [`${token}=`, `${token}==`, `${body}.${sig.replace(/-/g, "+").replace(/_/g, "/")}`, `${body}.${sig.slice(0, -1)}${sibling}`, `${body}=.${sig}`, ` ${token}`];
    for (const v of variants.filter((v) => v !== token)) expect(verifyToken(secret, v, now), v).toMatchObject({ ok: false, reason: "tampered" });
  });
});
