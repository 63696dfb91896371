/**
 * A person's whole life with the bot, through the simulator and the web form: told on first
 * contact → records → a photo (cleaned, with consent) → their copy → deletion → nothing of them
 * in any table or file; then the community's deletion → nothing of it, files included. Files are
 * the shared file store's chunks (photos live in PostgreSQL) and the photo folder on disk.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import exifr from "exifr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, Chat, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";
import { jpegWithGps } from "./support/jpeg-gps.ts";
import { filesContaining, tablesContaining } from "./support/leftovers.ts";

let app: App;
let photoDir: string;
beforeAll(async () => {
  photoDir = await mkdtemp(join(tmpdir(), "jl-life-"));
  app = await startTestApp({ FORM_SECRET: "l".repeat(40), PHOTO_DIR: photoDir });
});
afterAll(async () => app?.close());

/** Stored file chunks (bytea: invisible to a row-as-text search) that contain the string. */
const chunksContaining = async (needle: string) => (await app.db.storedFileChunk.findMany({ select: { data: true } })).filter((c) => Buffer.from(c.data).includes(Buffer.from(needle))).length;

const nothingOf = async (needle: string) => ({ needle, tables: await tablesContaining(app.db, needle), chunks: await chunksContaining(needle), files: await filesContaining(photoDir, needle) });

describe("the lifecycle of a person's data", () => {
  it("notice → records → photo → copy → deletion → nothing left; community deletion → nothing at all", { timeout: 120_000 }, async () => {
    const admin = await boundGroup(app);
    const name = `郑${unique("").slice(0, 5)}`;
    const teacher = admin.as(unique("u"), name);
    const cid = (await app.db.community.findUniqueOrThrow({ where: { name: admin.community } })).id;

    // 1. Told with the first reply that keeps them (one message: the notice rides on it), with a link to the whole statement.
    const first = await teacher.says("/记录 示范课 11月20日 二小 参与=郝家也 语文");
    expect(first).toMatch(/已记录[\s\S]*个人信息提示/);
    expect(teacher.lastCount).toBe(1);
    const statement = /完整说明：(\S+\/privacy)/.exec(first)?.[1] ?? "";
    expect(await (await fetch(statement)).text()).toMatch(/保存什么[\s\S]*保存多久[\s\S]*监护人同意/);
    expect(await teacher.says("/隐私")).toMatch(/隐私说明[\s\S]*\/注销/);
    // 2. A record with a photo through the web form.
    const formUrl = /https?:\/\/\S+\/f\/[A-Za-z0-9_.-]+/.exec(await teacher.says("/表单 听评课"))?.[0] ?? "";
    const fd = new FormData();
    for (const [k, v] of Object.entries({ kind: "听评课", date: "2026-11-19", host: "郝家也中心小学", people: name, photoConsent: "1" })) fd.append(k, v);
    fd.append("photos", new Blob([jpegWithGps()], { type: "image/jpeg" }), `${name}.jpg`);
    const done = await (await fetch(formUrl, { method: "POST", body: fd })).text();
    expect(done).toMatch(/已记录 #2/);
    const served = Buffer.from(await (await fetch((/src="([^"]+\/p\/[^"]+)"/.exec(done)?.[1] ?? "").replace(/&amp;/g, "&"))).arrayBuffer());
    expect(served.length).toBeGreaterThan(0);
    expect(await exifr.gps(served)).toBeUndefined();
    const [photo] = await app.db.activityPhoto.findMany({ where: { communityId: cid } });
    const chunks = await app.db.storedFileChunk.findMany({ where: { file: { key: `photos/${cid}/${photo?.fileName ?? ""}` } }, orderBy: { seq: "asc" } });
    expect(chunks.length).toBeGreaterThan(0);
    expect(await exifr.gps(Buffer.concat(chunks.map((c) => Buffer.from(c.data))))).toBeUndefined();

    // 3. Their copy, in the 1:1 chat.
    const dm = new Chat(app, teacher.userId, teacher.userId, name);
    const link = /https?:\/\/\S+\/my\/[A-Za-z0-9_.-]+/.exec(await dm.says("/我的数据", { chatType: "direct" }))?.[0] ?? "";
    const copy = (await (await fetch(link)).json()) as { 共同体: { 登记或确认的活动: { 照片: unknown[] }[] }[] };
    expect(copy.共同体[0]?.登记或确认的活动).toHaveLength(2);
    expect(copy.共同体[0]?.登记或确认的活动[1]?.照片).toMatchObject([{ 类型: "image/jpeg", 监护人同意: expect.any(String) }]);

    // 4. Deletion: nothing of them in any table or file; the records and the photo stay for the community.
    await dm.says("/注销", { chatType: "direct" });
    expect(await dm.says("/注销 确认", { chatType: "direct" })).toMatch(/✅ 已删除/);
    for (const needle of [teacher.userId, name]) expect(await nothingOf(needle)).toEqual({ needle, tables: [], chunks: 0, files: [] });
    // Their copy now holds nothing of them; the old link shows the same.
    expect((await (await fetch(link)).json()) as unknown).toMatchObject({ 共同体: [], 区县管理员: [] });
    expect(await app.db.activity.count({ where: { communityId: cid, revokedAt: null } })).toBe(2);
    expect(await app.db.storedFile.count({ where: { key: { startsWith: `photos/${cid}/` } } })).toBe(1);

    // 5. The community's deletion: nothing of it, files included.
    await admin.says("/删除共同体");
    const code = /\/删除共同体 \S+ (\d{6})/.exec(await admin.says(`/删除共同体 ${admin.community}`))?.[1] ?? "";
    expect(await admin.says(`/删除共同体 ${admin.community} ${code}`)).toMatch(/✅ 已删除共同体/);
    for (const needle of [admin.userId, admin.community, admin.chatId]) expect(await nothingOf(needle)).toEqual({ needle, tables: [], chunks: 0, files: [] });
    expect(await app.db.storedFile.count({ where: { key: { startsWith: `photos/${cid}/` } } })).toBe(0);
  });
});
