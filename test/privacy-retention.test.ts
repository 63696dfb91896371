/**
 * Retention: stored messages and delivery logs past the period (the community's own or the
 * default), photos past their record's term plus N terms (rows and files), done once a day by
 * the scheduler's step whatever the number of ticks and workers, and logged.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "../config/logger.ts";
import { createDatabase, type Database } from "../db/client.ts";
import { runRetention } from "../db/privacy/retention.ts";
import { runRetentionWork } from "../workers/schedule/retention-work.ts";
import { ownDatabase } from "./support/own-database.ts";
import { unique } from "./support/env.ts";

let database: Database;
const NOW = new Date("2026-11-22T04:00:00Z");
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
const defaults = { messageDays: 180, photoTerms: 1 };

beforeAll(async () => {
  database = createDatabase(await ownDatabase("retention"), 4);
});
afterAll(async () => {
  await database?.db.$disconnect();
  await database?.sql.end();
});

async function community(own?: { messageDays?: number; photoTerms?: number }) {
  const db = database.db;
  const c = await db.community.create({ data: { name: unique("共同体") } });
  if (own) await db.communityPrivacy.create({ data: { communityId: c.id, ...own } });
  const m = await db.member.create({
    data: { communityId: c.id, displayName: "王主任", identities: { create: { communityId: c.id, platform: "wecom", userId: unique("wu") } } },
    include: { identities: true },
  });
  return { c, m, userId: m.identities[0]?.userId ?? "" };
}

const storedFile = (key: string, createdAt: Date) =>
  database.db.storedFile.create({ data: { key, mimeType: "image/jpeg", size: 4, createdAt, chunks: { create: { seq: 0, data: Buffer.from("jpeg") } } } });
const filesOf = async (communityId: number) => (await database.db.storedFile.findMany({ where: { key: { startsWith: `photos/${communityId}/` } } })).map((f) => f.key.split("/")[2]);

async function photoOf(communityId: number, recorderId: number, date: string | null, createdAt = NOW): Promise<string> {
  const key = unique("sim:g:form-");
  const fileName = `${crypto.randomUUID()}-0.jpg`;
  await storedFile(`photos/${communityId}/${fileName}`, createdAt);
  await database.db.activityPhoto.create({ data: { communityId, sourceMessageKey: key, position: 0, fileName, mimeType: "image/jpeg", size: 4, createdAt } });
  if (date) {
    const number = (await database.db.activity.count({ where: { communityId } })) + 1;
    await database.db.activity.create({ data: { communityId, number, kind: "示范课", date: new Date(`${date}T00:00:00Z`), recorderId, sourceMessageKey: key } });
  }
  return fileName;
}

describe("the daily retention run", () => {
  it("deletes what is past each community's periods, keeps the rest, removes the photo files, and runs once a day", async () => {
    const db = database.db;
    const a = await community();
    const b = await community({ messageDays: 30, photoTerms: 0 });
    const pm = (key: string, communityId: number, createdAt: Date) => db.processedMessage.create({ data: { key, communityId, replies: [{ text: "已记录 王主任" }], createdAt } });
    await pm("sim:g1:old", a.c.id, daysAgo(200));
    await pm("sim:g1:new", a.c.id, daysAgo(10));
    await pm("sim:g2:b-old", b.c.id, daysAgo(40));
    await pm("sim:g2:b-new", b.c.id, daysAgo(10));
    // A WeCom 1:1 chat (its id is the user id): the newest message stays, emptied, so the bot may still write to them.
    await pm(`wecom:${a.userId}:first`, a.c.id, daysAgo(300));
    await pm(`wecom:${a.userId}:last`, a.c.id, daysAgo(250));
    const delivery = (communityId: number, createdAt: Date) =>
      db.delivery.create({ data: { communityId, kind: "digest", occurrenceKey: unique("w"), recipient: "group:sim:g", status: "queued", dueAt: createdAt, createdAt } });
    await delivery(a.c.id, daysAgo(181));
    await delivery(a.c.id, daysAgo(5));
    await delivery(b.c.id, daysAgo(31));
    const upload = (communityId: number, createdAt: Date) =>
      db.ledgerImport.create({ data: { communityId, memberId: a.m.id, fileName: "台账.xlsx", sha256: unique("h"), data: Buffer.from("xlsx"), createdAt } });
    const oldUpload = await upload(a.c.id, daysAgo(181));
    const newUpload = await upload(a.c.id, daysAgo(5));
    await db.linkCodeFailure.create({ data: { platform: "sim", userId: a.userId, at: daysAgo(2) } });
    await db.pendingQuestion.create({ data: { communityId: a.c.id, platform: "sim", chatId: "g", userId: unique("u"), command: "记录", partial: {}, field: "date", expiresAt: daysAgo(1) } });

    const oldTerm = await photoOf(a.c.id, a.m.id, "2025-10-10"); // autumn 2025 + spring 2026: ended 2026-08-31
    const keptTerm = await photoOf(a.c.id, a.m.id, "2026-03-01"); // spring 2026 + autumn 2026: until 2027-01-31
    const noTermsLeft = await photoOf(b.c.id, b.m.id, "2026-06-01"); // b keeps none after the record's own term (ended 2026-08-31)
    const orphan = await photoOf(a.c.id, a.m.id, null, daysAgo(2));
    await storedFile(`photos/${a.c.id}/left-by-a-crash.jpg`, daysAgo(3));

    const logs: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void logs.push(line) }) as unknown as Logger;
    const deps = { db, log, now: () => NOW, producers: { outbound: undefined as never }, privacy: { retention: defaults } };
    const counts = await runRetentionWork(deps, NOW);
    expect(counts).toMatchObject({ processedMessages: 3, deliveries: 2, pendingQuestions: 1, photos: 3 });
    expect(counts?.files).toBe(4);
    expect(counts).toMatchObject({ ledgerFiles: 1, linkCodeFailures: 1 });
    expect((await db.ledgerImport.findUniqueOrThrow({ where: { id: oldUpload.id } })).data.length).toBe(0);
    expect((await db.ledgerImport.findUniqueOrThrow({ where: { id: newUpload.id } })).data.length).toBe(4);
    expect(await db.linkCodeFailure.count({ where: { userId: a.userId } })).toBe(0);

    const keys = (await db.processedMessage.findMany({ where: { communityId: { in: [a.c.id, b.c.id] } }, orderBy: { key: "asc" } })).map((p) => [p.key, p.replies]);
    expect(keys).toEqual([
      ["sim:g1:new", [{ text: "已记录 王主任" }]],
      ["sim:g2:b-new", [{ text: "已记录 王主任" }]],
      [`wecom:${a.userId}:last`, []],
    ]);
    expect(await db.delivery.count({ where: { communityId: { in: [a.c.id, b.c.id] } } })).toBe(1);
    expect(await filesOf(a.c.id)).toEqual([keptTerm]);
    expect(await filesOf(b.c.id)).toEqual([]);
    expect((await db.activityPhoto.findMany({ where: { communityId: { in: [a.c.id, b.c.id] } } })).map((p) => p.fileName)).toEqual([keptTerm]);
    expect([oldTerm, noTermsLeft, orphan]).not.toContain(keptTerm);
    expect(logs.join("\n")).toMatch(/retention: expired personal data deleted/);

    // Later ticks the same day, and a second worker at the same time, do nothing.
    await pm("sim:g1:old-again", a.c.id, daysAgo(200));
    const again = await Promise.all([runRetention(db, { now: NOW, day: "2026-11-22", defaults }), runRetentionWork(deps, new Date(NOW.getTime() + 3_600_000))]);
    expect(again).toEqual([null, null]);
    expect(await db.processedMessage.count({ where: { key: "sim:g1:old-again" } })).toBe(1);
    const run = await db.retentionRun.findUniqueOrThrow({ where: { day: new Date("2026-11-22T00:00:00Z") } });
    expect(run.counts).toMatchObject({ processedMessages: 3, photos: 3 });
    // The next day's first tick does it.
    expect(await runRetentionWork(deps, new Date(NOW.getTime() + 86_400_000))).toMatchObject({ processedMessages: 1 });
  });

  it("two workers starting the day's run at once: one prunes, the other finds it done", async () => {
    const other = createDatabase(await ownDatabase("retention"), 2);
    try {
      const at = new Date("2026-12-03T01:00:00Z");
      const runs = await Promise.all([runRetention(database.db, { now: at, day: "2026-12-03", defaults }), runRetention(other.db, { now: at, day: "2026-12-03", defaults })]);
      expect(runs.filter((r) => r === null)).toHaveLength(1);
      expect(await database.db.retentionRun.count({ where: { day: new Date("2026-12-03T00:00:00Z") } })).toBe(1);
    } finally {
      await other.db.$disconnect();
      await other.sql.end();
    }
  });
});
