/**
 * Platform refusals become errors that say what happened, against the fakes' official answers:
 * DingTalk 403 throttling → ThrottledError carrying DingTalk's code and message; WeCom 60020 →
 * not retried, explained once in Chinese; WeCom invaliduser → undelivered, logged per recipient.
 */
import { UnrecoverableError, type Job } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DingtalkApi } from "../bot/dingtalk/api.ts";
import { ThrottledError, UndeliverableError } from "../bot/delivery.ts";
import { WecomAppApi, WecomConfigError } from "../bot/wecom/app-api.ts";
import type { PlatformAdapter } from "../bot/adapter.ts";
import type { RateLimiter } from "../bot/rate-limiter.ts";
import { outboundProcessor } from "../workers/outbound.ts";
import { FakeDingtalk } from "./fakes/dingtalk.ts";
import { FakeWecom } from "./fakes/wecom.ts";

const DT = { clientId: "dingerr", clientSecret: "dt-err-secret" };
let dingtalk: FakeDingtalk;
let wecom: FakeWecom;

beforeAll(async () => {
  dingtalk = await new FakeDingtalk(DT).start();
  wecom = await new FakeWecom({}, { corpId: "wwcorp", corpSecret: "app-secret" }).start();
});

afterAll(async () => {
  await dingtalk?.stop();
  await wecom?.stop();
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  return { log, lines };
}

describe("DingTalk throttling", () => {
  it("403 QpsLimitForAppkeyAndApi is a ThrottledError that names DingTalk's code and message; the next call goes through", async () => {
    const api = new DingtalkApi({ apiBase: dingtalk.base, clientId: DT.clientId, clientSecret: DT.clientSecret, robotCode: DT.clientId });
    dingtalk.throttleNext = 1;
    const err = await api.toGroup("cid1", { kind: "markdown", title: "t", text: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottledError);
    expect((err as ThrottledError).retryAfterMs).toBeGreaterThan(0);
    expect((err as Error).message).toMatch(/HTTP 403 Forbidden\.AccessDenied\.QpsLimitForAppkeyAndApi 应用调用该接口的QPS超过限制/);
    await api.toGroup("cid1", { kind: "markdown", title: "t", text: "x" });
    expect(dingtalk.sent.filter((s) => s.target === "cid1")).toHaveLength(1);
  });

  it("the outbound worker delays a throttled send (never drops it) and resumes at the same send", async () => {
    const calls: string[] = [];
    let throttled = true;
    const adapter: PlatformAdapter = {
      platform: "dingtalk",
      start: async () => undefined,
      stop: async () => undefined,
      plan: () => [
        { send: async () => void calls.push("a") },
        {
          send: async () => {
            if (throttled) {
              throttled = false;
              throw new ThrottledError(1500, "dingtalk HTTP 403 Forbidden.AccessDenied.QpsLimitForApi");
            }
            calls.push("b");
          },
        },
      ],
    };
    const moved: number[] = [];
    const job = {
      progress: 0,
      updateProgress: async (p: number) => {
        job.progress = p;
      },
      moveToDelayed: async (at: number) => void moved.push(at),
    } as unknown as Job;
    const run = outboundProcessor(new Map([["dingtalk", adapter]]), { windowMs: 60_000 } as RateLimiter);
    const message = { platform: "dingtalk" as const, chatId: "c", chatType: "group" as const, replies: [{ text: "x" }] };
    await expect(run(message, job, "tok")).rejects.toThrow(/delayed/i);
    expect(moved).toHaveLength(1);
    expect(job.progress).toEqual({ sent: 1, waits: 1 });
    await run(message, job, "tok");
    expect(calls).toEqual(["a", "b"]);
  });
});

describe("WeCom configuration errors and undeliverable recipients", () => {
  const api = (log: ReturnType<typeof capture>["log"]) => new WecomAppApi({ apiBase: wecom.apiBase, corpId: "wwcorp", secret: "app-secret", agentId: 1000002 }, log);

  it("60020 (server IP not trusted) is not retried and is explained once, in Chinese, with the fix", async () => {
    const { log, lines } = capture();
    const app = api(log);
    wecom.trustedIp = false;
    try {
      const first = await app.sendToChat("chat1", "**hi**").catch((e: unknown) => e);
      const second = await app.sendToUser("user1", "**hi**").catch((e: unknown) => e);
      for (const err of [first, second]) {
        expect(err).toBeInstanceOf(WecomConfigError);
        expect(err).toBeInstanceOf(UndeliverableError);
        expect((err as Error).message).toMatch(/errcode 60020: not allow to access from your ip.*把服务器出口 IP 加入应用的企业可信 IP/);
      }
      const explained = lines.filter((l) => l.errcode === 60020);
      expect(explained).toHaveLength(1);
      expect(String(explained[0]!.msg)).toContain("把服务器出口 IP 加入应用的企业可信 IP");
      // The outbound worker turns it into BullMQ's UnrecoverableError: no retries.
      const adapter: PlatformAdapter = { platform: "wecom", start: async () => undefined, stop: async () => undefined, plan: () => [{ send: () => app.sendToChat("chat1", "x") }] };
      const job = { progress: 0 } as unknown as Job;
      const err = await outboundProcessor(new Map([["wecom", adapter]]), { windowMs: 60_000 } as RateLimiter)(
        { platform: "wecom", chatId: "chat1", chatType: "group", replies: [{ text: "x" }] },
        job,
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnrecoverableError);
      expect((err as Error).message).toContain("60020");
    } finally {
      wecom.trustedIp = true;
    }
  });

  it("an errcode-0 answer with invaliduser is undelivered, logged with the recipient", async () => {
    const { log, lines } = capture();
    const app = api(log);
    wecom.visibleUsers = new Set(["inside"]);
    try {
      await app.sendToUser("inside", "**ok**");
      const err = await app.sendToUser("outsider", "**hi**").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UndeliverableError);
      expect((err as Error).message).toMatch(/undelivered to outsider/);
      expect(lines.find((l) => Array.isArray(l.invaliduser) && (l.invaliduser as string[]).includes("outsider"))).toBeDefined();
      expect(wecom.appCalls.filter((c) => c.body.touser === "inside")).toHaveLength(1);
    } finally {
      wecom.visibleUsers = undefined;
    }
  });
});
