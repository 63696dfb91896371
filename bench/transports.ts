/**
 * How the benchmark reaches the bot: the simulator's HTTP endpoint, or a local fake WeCom /
 * DingTalk (the same fakes the tests use) with the real SDKs in the bot. Each measures from the
 * moment the message leaves the "platform" to the moment the bot's reply arrives back at it.
 */
import { randomUUID } from "node:crypto";
import { FakeDingtalk } from "../test/fakes/dingtalk.ts";
import { FakeWecom } from "../test/fakes/wecom.ts";

export interface Transport {
  env: Record<string, string>;
  ready(botUrl: string): Promise<void>;
  send(chatId: string, userId: string, text: string): Promise<{ ms: number; text: string }>;
  close(): Promise<void>;
}

export function simTransport(): Transport {
  let url = "";
  return {
    env: {},
    ready: async (botUrl) => {
      url = botUrl;
    },
    async send(chatId, userId, text) {
      const t0 = performance.now();
      const res = await fetch(`${url}/sim/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chatId, userId, userName: "基准", text }) });
      const body = (await res.json()) as { replies?: { text: string }[] };
      return { ms: performance.now() - t0, text: body.replies?.map((r) => r.text).join("\n") ?? "" };
    },
    close: async () => undefined,
  };
}

/** Resolves a waiter by key when the fake sees the bot's answer. */
class Waiters {
  private readonly map = new Map<string, (text: string) => void>();
  wait(key: string): Promise<string> {
    return new Promise((resolve) => this.map.set(key, resolve));
  }
  settle(key: string, text: string): void {
    this.map.get(key)?.(text);
    this.map.delete(key);
  }
}

export async function wecomTransport(): Promise<Transport> {
  const fake = await new FakeWecom({ benchbot: "bench-secret" }).start();
  const waiters = new Waiters();
  fake.onReceived = (r) => waiters.settle(r.reqId, JSON.stringify(r.body));
  return {
    env: { WECOM_BOT_ID: "benchbot", WECOM_BOT_SECRET: "bench-secret", WECOM_WS_URL: fake.wsUrl, WECOM_API_BASE: fake.apiBase, SIMULATOR: "false" },
    ready: async () => void (await fake.waitForLive(undefined, 20_000)),
    async send(chatId, userId, text) {
      const t0 = performance.now();
      const reqId = randomUUID();
      const answer = waiters.wait(reqId);
      await fake.userSays({ chatId, userId, text, reqId });
      return { text: await answer, ms: performance.now() - t0 };
    },
    close: () => fake.stop(),
  };
}

export async function dingtalkTransport(): Promise<Transport> {
  const app = { clientId: "dingbench", clientSecret: "bench-secret" };
  const fake = await new FakeDingtalk(app).start();
  const waiters = new Waiters();
  // Replies with buttons go to the group as interactive cards (target: the conversation), the
  // rest on the message's session webhook (target: the session): settle the oldest waiter of a chat.
  const pending = new Map<string, string[]>();
  fake.onSent = (s) => {
    if (!s.target) return;
    const session = pending.get(s.target)?.shift() ?? s.target;
    for (const list of pending.values()) {
      const i = list.indexOf(session);
      if (i >= 0) list.splice(i, 1);
    }
    waiters.settle(session, JSON.stringify(s.body));
  };
  return {
    env: { DINGTALK_CLIENT_ID: app.clientId, DINGTALK_CLIENT_SECRET: app.clientSecret, DINGTALK_API_BASE: fake.base, DINGTALK_GATEWAY_URL: fake.gatewayUrl, SIMULATOR: "false" },
    ready: async () => void (await fake.waitForOpen()),
    async send(chatId, userId, text) {
      const t0 = performance.now();
      const session = randomUUID();
      const answer = waiters.wait(session);
      pending.set(chatId, [...(pending.get(chatId) ?? []), session]);
      await fake.userSays({ conversationId: chatId, userId, text, session });
      return { text: await answer, ms: performance.now() - t0 };
    },
    close: () => fake.stop(),
  };
}
