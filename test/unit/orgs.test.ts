/** Many organisations in one deployment: the org list as configured, the qualified ids, and the router between adapters. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { InboundSink, PlatformAdapter } from "../../bot/adapter.ts";
import { OrgRouter } from "../../bot/org-router.ts";
import { loadEnv, simulatorEnabled } from "../../config/env.ts";
import { organisations } from "../../config/orgs.ts";
import type { InboundMessage, OutboundMessage } from "../../messages/messages.ts";
import { accountLabel, localId, orgOf, qualify } from "../../messages/orgs.ts";

const SECRET = "super-secret-value-123";
const errorOf = (raw: Record<string, string>): string => {
  try {
    loadEnv(raw);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("loadEnv accepted it");
};
const list = (...entries: unknown[]) => JSON.stringify(entries);

describe("ORGANISATIONS at boot", () => {
  it("adds the listed organisations after the legacy one, with the deployment's defaults filled in", () => {
    const env = loadEnv({
      WECOM_BOT_ID: "legacy-bot",
      WECOM_BOT_SECRET: "s",
      DINGTALK_API_BASE: "http://127.0.0.1:9",
      ORGANISATIONS: list({ key: "yulin", name: "榆林市", wecomBot: { botId: "b2", secret: "s2" }, dingtalk: { clientId: "c2", clientSecret: "cs2" } }),
    });
    const orgs = organisations(env);
    expect(orgs.map((o) => o.key)).toEqual(["default", "yulin"]);
    expect(orgs[1]).toMatchObject({
      name: "榆林市",
      wecomBot: { botId: "b2", wsUrl: "wss://openws.work.weixin.qq.com" },
      dingtalk: { robotCode: "c2", mode: "stream", gatewayUrl: "http://127.0.0.1:9/v1.0/gateway/connections/open" },
    });
    expect(simulatorEnabled(loadEnv({ ORGANISATIONS: list({ key: "a", dingtalk: { clientId: "c", clientSecret: "s" } }) }))).toBe(false);
  });

  it("reads the list from ORGANISATIONS_FILE (it holds secrets)", () => {
    const path = join(mkdtempSync(join(tmpdir(), "jl-orgs-")), "orgs.json");
    writeFileSync(path, `${list({ key: "a", dingtalk: { clientId: "c", clientSecret: SECRET } })}\n`, { mode: 0o600 });
    expect(organisations(loadEnv({ ORGANISATIONS_FILE: path }))[0]?.dingtalk?.clientSecret).toBe(SECRET);
  });

  it.each([
    ["not JSON", `[{"key":"a","wecomBot":{"botId":"b","secret":"${SECRET}"}`, /ORGANISATIONS: 不是合法的 JSON \(not valid JSON\)/],
    ["a bad key", list({ key: "Yu Lin", wecomBot: { botId: "b", secret: SECRET } }), /ORGANISATIONS\.0\.key: 应为1–32位小写字母/],
    ["no platform", list({ key: "a" }), /ORGANISATIONS\.0: 至少要有 wecomBot、wecomApp、dingtalk 之一/],
    ["a missing secret", list({ key: "a", dingtalk: { clientId: "c" } }), /ORGANISATIONS\.0\.dingtalk\.clientSecret:/],
    ["a short AES key", list({ key: "a", wecomApp: { corpId: "c", token: "t", aesKey: SECRET, secret: "s", agentId: 1 } }), /ORGANISATIONS\.0\.wecomApp\.aesKey: EncodingAESKey 应为43位/],
    ["a misspelt field", list({ key: "a", dingtalk: { clientId: "c", clientSecret: SECRET, clientSecert: SECRET } }), /ORGANISATIONS\.0\.dingtalk: Unrecognized key: "clientSecert"/],
    [
      "a key twice and one bot twice",
      list({ key: "a", wecomBot: { botId: "b", secret: SECRET } }, { key: "a", wecomBot: { botId: "b", secret: SECRET } }),
      /ORGANISATIONS\.1\.key: 组织代号「a」重复[\s\S]*ORGANISATIONS\.1\.wecomBot\.botId: 企业微信智能机器人 botId 重复/,
    ],
    ["an empty list", "[]", /ORGANISATIONS: 至少列出一个组织/],
  ])("refuses %s with the entry and field named, never a value", (_what, raw, expected) => {
    const message = errorOf({ ORGANISATIONS: raw });
    expect(message).toMatch(/^配置有误 \(configuration error\):/);
    expect(message).toMatch(expected);
    expect(message).not.toContain(SECRET);
  });

  it("refuses the legacy key in the list while the single-org variables are set (which would be which?)", () => {
    const message = errorOf({ DINGTALK_CLIENT_ID: "c", DINGTALK_CLIENT_SECRET: "s", ORGANISATIONS: list({ key: "default", wecomBot: { botId: "b", secret: "s" } }) });
    expect(message).toMatch(/ORGANISATIONS\.0\.key: 「default」是 WECOM_\*\/DINGTALK_\* 变量所配组织的代号/);
  });
});

describe("qualified ids", () => {
  it("leaves the legacy organisation's ids bare and prefixes the others', and reads both back", () => {
    expect(qualify("default", "wangfang")).toBe("wangfang");
    expect(qualify("yulin", "wangfang")).toBe("yulin~wangfang");
    expect([orgOf("yulin~wangfang"), localId("yulin~wangfang")]).toEqual(["yulin", "wangfang"]);
    // A DingTalk conversation id is base64: its / and = never make it another organisation's.
    expect([orgOf("cidAB/cd+e=="), localId("cidAB/cd+e==")]).toEqual(["default", "cidAB/cd+e=="]);
    // Shown to people as the platform's own id, with the organisation when it is not the legacy one.
    expect([accountLabel("wangfang"), accountLabel("yulin~wangfang")]).toEqual(["wangfang", "（yulin）wangfang"]);
  });
});

/** An adapter that records what it was asked to send and hands its sink out, as one organisation's platform connection. */
function recorder(): PlatformAdapter & { sink?: InboundSink; planned: OutboundMessage[] } {
  const a: PlatformAdapter & { sink?: InboundSink; planned: OutboundMessage[] } = {
    platform: "wecom",
    planned: [],
    async start(sink) {
      a.sink = sink;
    },
    plan(m) {
      a.planned.push(m);
      return [{ bucket: `wecom-app:${m.chatId}`, send: async () => undefined }];
    },
    async stop() {},
  };
  return a;
}

describe("OrgRouter", () => {
  it("opens and closes every organisation's long connection together: one lease holds them all (bot/connection-lease.ts)", () => {
    const calls: string[] = [];
    const withConnection = (org: string): PlatformAdapter => ({
      ...recorder(),
      longConnection: () => ({ open: () => calls.push(`open ${org}`), standby: () => calls.push(`standby ${org}`) }),
    });
    const router = new OrgRouter(
      "dingtalk",
      new Map([
        ["default", withConnection("default")],
        ["north", withConnection("north")],
        ["http-only", recorder()],
      ]),
    );
    const connection = router.longConnection();
    connection?.open();
    connection?.standby();
    expect(calls).toEqual(["open default", "open north", "standby default", "standby north"]);
    expect(new OrgRouter("dingtalk", new Map([["a", recorder()]])).longConnection()).toBeUndefined();
  });

  const message = (o: Partial<InboundMessage> = {}): InboundMessage => ({
    platform: "wecom",
    chatId: "g1",
    chatType: "group",
    senderId: "u1",
    senderName: "王芳",
    text: "/进度",
    messageId: "m1",
    mentioned: true,
    receivedAt: new Date(0).toISOString(),
    ...o,
  });

  it("qualifies what an organisation's adapter receives, and sends through the adapter of the chat's organisation with its own ids", async () => {
    const legacy = recorder();
    const north = recorder();
    const router = new OrgRouter(
      "wecom",
      new Map([
        ["default", legacy],
        ["north", north],
      ]),
    );
    const queued: InboundMessage[] = [];
    await router.start(async (m) => {
      queued.push(m);
      return { jobId: m.messageId, existed: false };
    });
    await legacy.sink!(message());
    await north.sink!(message({ mentions: [{ userId: "u2" }], pictures: [{ downloadCode: "x" }] }));
    expect(queued.map((m) => [m.chatId, m.senderId, m.messageId])).toEqual([
      ["g1", "u1", "m1"],
      ["north~g1", "north~u1", "north~m1"],
    ]);
    expect(queued[1]?.mentions).toEqual([{ userId: "north~u2" }]);
    expect(queued[1]?.pictures).toEqual([{ downloadCode: "x", org: "north" }]);

    const [d] = router.plan({ platform: "wecom", chatId: "north~g1", chatType: "group", replyTo: "north~m1", replies: [{ text: "好" }] });
    expect(north.planned.map((m) => [m.chatId, m.replyTo])).toEqual([["g1", "m1"]]);
    expect(legacy.planned).toEqual([]);
    // The same chat id in two organisations is two rate buckets.
    expect(d?.bucket).toBe("north~wecom-app:g1");
    router.plan({ platform: "wecom", chatId: "g1", chatType: "group", replies: [{ text: "好" }] });
    expect(legacy.planned.map((m) => m.chatId)).toEqual(["g1"]);
    expect(() => router.plan({ platform: "wecom", chatId: "gone~g1", chatType: "group", replies: [{ text: "好" }] })).toThrow(/no wecom organisation "gone"/);
  });
});
