/**
 * Guards check the route as the router matched it. An outside review reached the queue dashboard
 * and the simulator with percent-encoded paths (`/%61dmin/queues`, `/%73im/messages`): the old
 * hooks compared the raw URL, the router decodes it. Every guarded route is tried here with the
 * spellings a router may decode or normalise, and with the token every other way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app/app.ts";
import { isLoopbackHost } from "../../bot/loopback.ts";
import { simulatorRefusal } from "../../bot/simulator/routes.ts";
import { startTestApp } from "../support/harness.ts";

const ADMIN = "admin-token-0123456789abcdef";
const METRICS = "metrics-token-0123456789abcd";
let app: App;

beforeAll(async () => {
  app = await startTestApp({ ADMIN_TOKEN: ADMIN, METRICS_TOKEN: METRICS });
});
afterAll(async () => app?.close());

/** Spellings of one path a client can send: each letter percent-encoded in turn, upper/lower hex, doubled slashes. */
function spellings(path: string): string[] {
  const out = new Set<string>([path]);
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (c === "/") continue;
    const hex = c.charCodeAt(0).toString(16);
    out.add(`${path.slice(0, i)}%${hex}${path.slice(i + 1)}`);
    out.add(`${path.slice(0, i)}%${hex.toUpperCase()}${path.slice(i + 1)}`);
  }
  out.add(path.replace(/\//g, "%2F").replace(/^%2F/, "/"));
  out.add(`/${path}`);
  out.add(path.replace(/^\/(\w)/, (_m, a: string) => `/${a.toUpperCase()}`));
  return [...out];
}

describe("the queue dashboard (ADMIN_TOKEN)", () => {
  it("refuses every spelling of its API without the token, and never pauses a queue", async () => {
    for (const path of spellings("/admin/queues/api/queues")) {
      const res = await app.http.inject({ method: "GET", url: path });
      expect([401, 404], path).toContain(res.statusCode);
      expect(res.body, path).not.toContain("inbound");
    }
    for (const path of spellings("/admin/queues/api/queues/outbound/pause")) {
      const res = await app.http.inject({ method: "PUT", url: path });
      expect([401, 404], path).toContain(res.statusCode);
    }
    expect(await app.producers.outbound.queue.isPaused()).toBe(false);
    const withToken = await app.http.inject({ method: "GET", url: "/%61dmin/queues/api/queues", headers: { authorization: `Bearer ${ADMIN}` } });
    expect(withToken.statusCode).toBe(200);
  });

  it("is not opened by the metrics token, nor the metrics route by the admin token", async () => {
    expect((await app.http.inject({ method: "GET", url: "/admin/queues/api/queues", headers: { authorization: `Bearer ${METRICS}` } })).statusCode).toBe(401);
    expect((await app.http.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${ADMIN}` } })).statusCode).toBe(401);
  });
});

describe("/metrics with METRICS_TOKEN", () => {
  it("needs the token under every spelling", async () => {
    for (const path of spellings("/metrics")) {
      const res = await app.http.inject({ method: "GET", url: path });
      expect([401, 404], path).toContain(res.statusCode);
      expect(res.body, path).not.toContain("jiaolian_");
    }
    const ok = await app.http.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${METRICS}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain("jiaolian_messages_in_total");
  });
});

describe("/sim/* (this machine only)", () => {
  const body = { chatId: "g-remote", userId: "u", text: "/导出 台账" };

  it("refuses a remote caller under every spelling of every simulator route", async () => {
    for (const route of ["/sim/messages", "/sim/outbox", "/sim/replies", "/sim/activities"]) {
      for (const path of spellings(route)) {
        const res = await app.http.inject({ method: route === "/sim/messages" ? "POST" : "GET", url: `${path}?chatId=g`, remoteAddress: "203.0.113.9", payload: body });
        expect([403, 404], path).toContain(res.statusCode);
      }
    }
  });

  it("refuses a request a proxy forwarded, though it comes from 127.0.0.1", async () => {
    for (const header of ["x-forwarded-for", "forwarded", "x-real-ip", "via", "x-forwarded-host"]) {
      const res = await app.http.inject({ method: "POST", url: "/%73im/messages", remoteAddress: "127.0.0.1", headers: { [header]: "203.0.113.9" }, payload: body });
      expect(res.statusCode, header).toBe(403);
      expect(res.json().error).toMatch(/本机直接/);
    }
  });

  it("is refused altogether while the server listens beyond loopback, unless SIMULATOR_ALLOW_REMOTE", () => {
    const local = { headers: {}, socket: { remoteAddress: "127.0.0.1" } } as never;
    expect(isLoopbackHost("0.0.0.0")).toBe(false);
    expect(isLoopbackHost("::")).toBe(false);
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("localhost")).toBe(true);
    expect(simulatorRefusal({ allowRemote: false, listensOnLoopback: false }, local)).toMatch(/SIMULATOR_ALLOW_REMOTE/);
    expect(simulatorRefusal({ allowRemote: false, listensOnLoopback: true }, local)).toBeUndefined();
    const remote = { headers: { "x-forwarded-for": "1.2.3.4" }, socket: { remoteAddress: "203.0.113.9" } } as never;
    expect(simulatorRefusal({ allowRemote: true, listensOnLoopback: false }, remote)).toBeUndefined();
  });
});
