/**
 * The DingTalk adapter's file deliveries on their own, against the fake DingTalk: a file over
 * the limit is never uploaded, refusals are logged once and given up (the reply's text already
 * carries the link), throttling still waits. Each delivery is run the way the outbound worker
 * runs it: in order, a throw meaning "retry this send".
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DingtalkAdapter } from "../bot/dingtalk/adapter.ts";
import { ThrottledError } from "../bot/delivery.ts";
import { createLogger } from "../config/logger.ts";
import type { OutboundMessage } from "../messages/messages.ts";
import { FakeDingtalk } from "./fakes/dingtalk.ts";
import { testPrefix, unique } from "./support/env.ts";

const APP = { clientId: "dinglimits", clientSecret: "dt-limits-secret" };
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
let fake: FakeDingtalk;
let files: Server;
let redis: Redis;
const lines: Record<string, unknown>[] = [];
/** What our own /d/<token> route would serve: a Chinese name in Content-Disposition (RFC 5987). */
let served = { bytes: Buffer.alloc(0), name: "活动台账.xlsx", type: XLSX };

beforeAll(async () => {
  fake = await new FakeDingtalk(APP, { mediaMaxBytes: 4096 }).start();
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  files = createServer((_req, res) => {
    res.writeHead(200, {
      "content-type": served.type,
      "content-length": served.bytes.length,
      "content-disposition": `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(served.name)}`,
    });
    res.end(served.bytes);
  });
  await new Promise<void>((r) => files.listen(0, "127.0.0.1", r));
});

afterAll(async () => {
  await fake?.stop();
  redis?.disconnect();
  await new Promise<void>((r) => files.close(() => r()));
});

function adapter(maxFileBytes?: number) {
  const log = createLogger("warn", "test", { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  return new DingtalkAdapter({
    api: { apiBase: fake.base, oapiBase: fake.base, clientId: APP.clientId, clientSecret: APP.clientSecret, robotCode: APP.clientId },
    mode: "stream",
    gatewayUrl: fake.gatewayUrl,
    keepAliveMs: 1000,
    backoff: { initialMs: 100, maxMs: 1000 },
    spoolDir: `/tmp/${unique("spool")}`,
    redis,
    prefix: testPrefix(),
    http: Fastify(),
    log,
    ...(maxFileBytes ? { maxFileBytes } : {}),
  });
}

const message = (chatId: string): OutboundMessage => ({
  platform: "dingtalk",
  chatId,
  chatType: "group",
  replies: [{ text: "活动台账已生成：http://x/d/abc", file: { url: `http://127.0.0.1:${(files.address() as AddressInfo).port}/d/abc`, label: "活动台账" } }],
});

/** Runs the deliveries like the outbound worker: the text first, then the file; returns what the file send threw, if anything. */
async function deliver(a: DingtalkAdapter, m: OutboundMessage): Promise<unknown> {
  const [text, file, ...rest] = a.plan(m);
  expect(rest).toEqual([]);
  await text!.send();
  return file!.send().then(
    () => undefined,
    (e: unknown) => e,
  );
}

const warnings = (outcome: string) => lines.filter((l) => l.outcome === outcome);

describe("DingTalk file deliveries", () => {
  it("a file over the limit is never fetched whole nor uploaded: one warning, the delivery ends", async () => {
    served = { bytes: Buffer.alloc(6000, 1), name: "活动台账.xlsx", type: XLSX };
    const chat = unique("cid");
    const attempts = fake.uploadAttempts;
    expect(await deliver(adapter(5000), message(chat))).toBeUndefined();
    expect(fake.uploadAttempts).toBe(attempts);
    expect(fake.sent.filter((s) => s.target === chat).map((s) => s.body.msgKey)).toEqual(["sampleMarkdown"]);
    expect(warnings("too_large")).toHaveLength(1);
  });

  it("an upload DingTalk refuses (over its size limit) is tried once, logged once, and not retried", async () => {
    served = { bytes: Buffer.alloc(5000, 2), name: "活动台账.xlsx", type: XLSX };
    const chat = unique("cid");
    const attempts = fake.uploadAttempts;
    expect(await deliver(adapter(), message(chat))).toBeUndefined();
    expect(fake.uploadAttempts - attempts).toBe(1);
    expect(fake.uploads.size).toBe(0);
    expect(warnings("refused")).toHaveLength(1);
    expect(JSON.stringify(warnings("refused")[0])).toContain("40006");
  });

  it("a type sampleFile does not take is not uploaded at all", async () => {
    served = { bytes: Buffer.from("a,b\n"), name: "台账.csv", type: "text/csv" };
    const attempts = fake.uploadAttempts;
    expect(await deliver(adapter(), message(unique("cid")))).toBeUndefined();
    expect(fake.uploadAttempts).toBe(attempts);
    expect(warnings("unsupported")).toHaveLength(1);
  });

  it("sends a small file: uploaded under its Chinese name, then sampleFile to the group", async () => {
    served = { bytes: Buffer.alloc(1000, 3), name: "2026年秋季学期 活动台账.xlsx", type: XLSX };
    const chat = unique("cid");
    expect(await deliver(adapter(), message(chat))).toBeUndefined();
    const sent = fake.sent.filter((s) => s.target === chat);
    expect(sent.map((s) => s.body.msgKey)).toEqual(["sampleMarkdown", "sampleFile"]);
    const p = JSON.parse(String(sent[1]!.body.msgParam)) as { mediaId: string; fileName: string; fileType: string };
    expect(p).toMatchObject({ fileName: "2026年秋季学期 活动台账.xlsx", fileType: "xlsx" });
    expect(fake.uploads.get(p.mediaId)?.bytes.equals(served.bytes)).toBe(true);
  });

  it("throttling of the file message is the one thing that waits and goes again", async () => {
    served = { bytes: Buffer.alloc(1000, 4), name: "活动台账.xlsx", type: XLSX };
    const a = adapter();
    const [text, file] = a.plan(message(unique("cid")));
    await text!.send();
    fake.throttleNext = 1;
    await expect(file!.send()).rejects.toBeInstanceOf(ThrottledError);
    await file!.send();
  });
});
