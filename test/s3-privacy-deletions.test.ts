/**
 * Privacy deletions reach a bucket (FILE_STORE=s3): a bucket cannot take part in PostgreSQL's
 * transaction, so the erasure and the retention run record what goes (FileDeletion) and the
 * scheduler's tick deletes it from the bucket; orphan photos in a bucket are found by listing it.
 * Each describe has a database of its own (the scheduler ticks over every community in it).
 */
import { randomBytes, randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import type { Logger } from "../config/logger.ts";
import { createDatabase, type Database } from "../db/client.ts";
import { sweepOrphanPhotoFiles } from "../db/privacy/retention.ts";
import { S3FileStore, type S3Settings } from "../db/s3-file-store.ts";
import { runFileDeletionWork } from "../workers/schedule/file-deletion-work.ts";
import { runRetentionWork } from "../workers/schedule/retention-work.ts";
import { unique } from "./support/env.ts";
import { waitFor } from "./support/process.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";
import { ownDatabase } from "./support/own-database.ts";
import { type OwnS3, startOwnS3 } from "./support/own-s3.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const DAY_MS = 86_400_000;

let s3: OwnS3;
let settings: S3Settings;
beforeAll(async () => {
  s3 = await startOwnS3();
  settings = s3.settings();
});
afterAll(async () => {
  await s3?.close();
});

describe("/删除共同体 with photos in a bucket", () => {
  let app: App;
  beforeAll(async () => {
    app = await startTestApp({ ...s3.env(), DATABASE_URL: await ownDatabase("s3_erase"), FORM_SECRET: "y".repeat(40), SCHEDULER_ENABLED: "true", SCHEDULER_EVERY_MS: "500" });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it("deletes the community's objects from the bucket after the commit, and nothing of another community", async () => {
    const store = new S3FileStore(settings);
    const admin = await boundGroup(app);
    const link = /https?:\/\/\S+\/f\/[A-Za-z0-9_.-]+/.exec(await admin.says("/表单"))?.[0] ?? "";
    const fd = new FormData();
    for (const [k, v] of Object.entries({ kind: "示范课", date: "2026-11-20", host: "清涧县第二小学", subject: "语文", title: "分数的意义", headcount: "35" })) fd.append(k, v);
    fd.append("photos", new Blob([Buffer.concat([PNG_SIGNATURE, randomBytes(2000)])], { type: "image/png" }), "课堂.png");
    fd.append("photoConsent", "1");
    expect(await (await fetch(link, { method: "POST", body: fd })).text()).toMatch(/已记录 #1/);
    const cid = (await app.db.community.findFirstOrThrow({ where: { name: admin.community } })).id;
    const photo = (await app.db.activityPhoto.findFirstOrThrow({ where: { communityId: cid } })).fileName;
    expect(await store.has(`photos/${cid}/${photo}`)).toBe(true);
    // A picture nobody attached (no row points to it) goes too, and another community's photo stays.
    await store.put(`photos/${cid}/${randomUUID()}-0.jpg`, "image/jpeg", [Buffer.from("held")]);
    const elsewhere = `photos/${cid + 1_000_000}/${randomUUID()}-0.jpg`;
    await store.put(elsewhere, "image/jpeg", [Buffer.from("other")]);

    const second = await admin.says(`/删除共同体 ${admin.community}`);
    const code = /\/删除共同体 \S+ (\d{6})/.exec(second)?.[1] ?? "";
    expect(await admin.says(`/删除共同体 ${admin.community} ${code}`)).toMatch(/✅ 已删除共同体/);

    const left = async () => {
      const keys: string[] = [];
      for await (const f of store.list(`photos/${cid}/`)) keys.push(f.key);
      return keys;
    };
    // The row goes once the objects are gone: both, within a few ticks.
    await waitFor(async () => (await app.db.fileDeletion.count()) === 0 && (await left()).length === 0, 15_000);
    expect(await store.has(elsewhere)).toBe(true);
    await store.delete(elsewhere);
  }, 60_000);
});

describe("the daily retention run with photos in a bucket", () => {
  let database: Database;
  beforeAll(async () => {
    database = createDatabase(await ownDatabase("s3_retention"), 4);
  });
  afterAll(async () => {
    await database?.db.$disconnect();
    await database?.sql.end();
  });

  it("deletes the objects of photos past their terms and orphans older than a day, keeps the rest", async () => {
    const db = database.db;
    const store = new S3FileStore(settings);
    // The bucket stamps objects with the real time: the run's clock is two days after it.
    const now = new Date(Date.now() + 2 * DAY_MS);
    const c = await db.community.create({ data: { name: unique("共同体") } });
    const m = await db.member.create({ data: { communityId: c.id, displayName: "王主任" } });
    const photo = async (date: Date | null) => {
      const fileName = `${randomUUID()}-0.jpg`;
      const key = unique("sim:g:form-");
      await store.put(`photos/${c.id}/${fileName}`, "image/jpeg", [Buffer.from("jpeg")]);
      await db.activityPhoto.create({ data: { communityId: c.id, sourceMessageKey: key, position: 0, fileName, mimeType: "image/jpeg", size: 4 } });
      if (date)
        await db.activity.create({
          data: { communityId: c.id, number: (await db.activity.count({ where: { communityId: c.id } })) + 1, kind: "示范课", date, recorderId: m.id, sourceMessageKey: key },
        });
      return `photos/${c.id}/${fileName}`;
    };
    const past = await photo(new Date("2020-10-10T00:00:00Z"));
    const kept = await photo(new Date(Date.now() - 10 * DAY_MS));
    const orphan = `photos/${c.id}/${randomUUID()}-1.jpg`;
    await store.put(orphan, "image/jpeg", [Buffer.from("left by a crash")]);
    const notAPhoto = `exports/${randomUUID()}.xlsx`;
    await store.put(notAPhoto, "application/octet-stream", [Buffer.from("xlsx")]);

    // A fresh orphan (written now, the run's clock at the real time) is not touched.
    expect(await sweepOrphanPhotoFiles(db, store, new Date())).toBe(0);

    const logs: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void logs.push(line) }) as unknown as Logger;
    const deps = { db, log, now: () => now, producers: { outbound: undefined as never }, privacy: { retention: { messageDays: 180, photoTerms: 1 } }, files: store };
    expect(await runRetentionWork(deps, now)).toMatchObject({ photos: 1 });
    // After the commit the listing finds both the orphan and the expired photo's object (its row is gone now);
    // the expired one was also recorded, so it goes even if the listing fails.
    expect(await store.has(orphan)).toBe(false);
    expect(await store.has(past)).toBe(false);
    expect(await db.fileDeletion.findMany({ select: { key: true, under: true } })).toEqual([{ key: past, under: false }]);

    expect(await runFileDeletionWork(deps)).toBe(0); // gone already: deleting again is harmless
    expect(await store.has(kept)).toBe(true);
    expect(await store.has(notAPhoto)).toBe(true);
    expect(await db.fileDeletion.count()).toBe(0);
    expect(logs.join("\n")).toMatch(/orphan photo files deleted from the file store/);
  }, 60_000);

  it("a bucket that fails keeps the recorded deletion for the next tick", async () => {
    const db = database.db;
    const key = `photos/1/${randomUUID()}-0.jpg`;
    const store = new S3FileStore(settings);
    await store.put(key, "image/jpeg", [Buffer.from("jpeg")]);
    await db.fileDeletion.create({ data: { key } });
    const logs: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void logs.push(line) }) as unknown as Logger;
    const deps = { db, log, now: () => new Date(), producers: { outbound: undefined as never } };
    const refused = new S3FileStore({ ...settings, secretAccessKey: "not-the-secret" });
    expect(await runFileDeletionWork({ ...deps, files: refused })).toBeNull();
    expect(logs.join("\n")).toMatch(/tried again at the next tick/);
    expect(await db.fileDeletion.count({ where: { key } })).toBe(1);
    expect(await runFileDeletionWork({ ...deps, files: store })).toBe(1);
    expect(await store.has(key)).toBe(false);
  });
});
