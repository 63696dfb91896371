/**
 * Clean photos: no position, device or time kept or served; the guardians' consent asked and
 * stored with the photo; links that die with the record.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import exifr from "exifr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { photoUrl } from "../web/forms/photo-link.ts";
import { boundGroup, Chat, startTestApp } from "./support/harness.ts";
import { jpegWithGps, PICTURE } from "./support/jpeg-gps.ts";

let app: App;
let photoDir: string;
const SECRET = "p".repeat(40);
beforeAll(async () => {
  photoDir = await mkdtemp(join(tmpdir(), "jl-photos-"));
  app = await startTestApp({ FORM_SECRET: SECRET, PHOTO_DIR: photoDir });
});
afterAll(async () => app?.close());

const linkIn = (text: string) => /https?:\/\/\S+\/f\/[A-Za-z0-9_.-]+/.exec(text)?.[0] ?? "";
const fields = { kind: "示范课", date: "2026-11-20", host: "清涧县第二小学", subject: "语文" };

function formData(consent: boolean, photo = jpegWithGps()): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (consent) fd.append("photoConsent", "1");
  fd.append("photos", new Blob([photo], { type: "image/jpeg" }), "IMG_0001.jpg");
  return fd;
}

const storedBytes = async (key: string) => Buffer.concat((await app.db.storedFileChunk.findMany({ where: { file: { key } }, orderBy: { seq: "asc" } })).map((c) => Buffer.from(c.data)));
const communityId = async (name: string) => (await app.db.community.findUniqueOrThrow({ where: { name } })).id;

describe("photos", () => {
  it("the form asks for the guardians' consent; without it nothing is kept", async () => {
    const g = await boundGroup(app);
    const url = linkIn(await g.says("/表单"));
    const page = await (await fetch(url)).text();
    expect(page).toMatch(/<input type="checkbox" name="photoConsent" value="1">照片中如有学生，已取得监护人同意/);
    const res = await fetch(url, { method: "POST", body: formData(false) });
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/上传照片前请勾选「照片中如有学生，已取得监护人同意」/);
    expect(await g.activities()).toHaveLength(0);
    expect(await app.db.storedFile.count({ where: { key: { startsWith: `photos/${await communityId(g.community)}/` } } })).toBe(0);
  });

  it("keeps and serves the picture without its GPS position, EXIF or XMP, with the consent stored", async () => {
    const g = await boundGroup(app);
    const original = jpegWithGps();
    expect(await exifr.gps(original)).toMatchObject({ latitude: 37.75 });
    const res = await fetch(linkIn(await g.says("/表单")), { method: "POST", body: formData(true, original) });
    const html = await res.text();
    expect(html).toMatch(/已记录 #1/);
    const cid = await communityId(g.community);
    const [row] = await app.db.activityPhoto.findMany({ where: { communityId: cid } });
    expect(row?.consentAt).toBeInstanceOf(Date);
    const stored = await storedBytes(`photos/${cid}/${row?.fileName ?? ""}`);
    const served = Buffer.from(await (await fetch((/src="([^"]+\/p\/[^"]+)"/.exec(html)?.[1] ?? "").replace(/&amp;/g, "&"))).arrayBuffer());
    for (const b of [stored, served]) {
      expect(await exifr.gps(b)).toBeUndefined();
      expect(await exifr.parse(b)).toBeUndefined();
      expect(b.includes(Buffer.from("Canon"))).toBe(false);
      expect(b.includes(Buffer.from("GPSLatitude"))).toBe(false);
      expect(b.subarray(b.length - PICTURE.length).equals(PICTURE)).toBe(true); // the picture itself is untouched
    }
  });

  it("a link dies when its record is revoked, even inside its validity", async () => {
    const g = await boundGroup(app);
    const html = await (await fetch(linkIn(await g.says("/表单")), { method: "POST", body: formData(true) })).text();
    const link = (/src="([^"]+\/p\/[^"]+)"/.exec(html)?.[1] ?? "").replace(/&amp;/g, "&");
    expect((await fetch(link)).status).toBe(200);
    const cid = await communityId(g.community);
    const files = (await app.db.activityPhoto.findMany({ where: { communityId: cid } })).map((p) => p.fileName);
    const gallery = photoUrl({ baseUrl: app.url, secret: SECRET }, cid, [...files, ...files], Date.now() * 2);
    expect((await fetch(gallery)).status).toBe(200);
    expect(await g.says("/撤销 1")).toMatch(/已撤销 #1/);
    expect((await fetch(link)).status).toBe(404);
    expect((await fetch(gallery)).status).toBe(404);
  });

  it("the ledger's photo link (half a year) dies with the record, and with the photo's retention", async () => {
    const g = await boundGroup(app);
    await fetch(linkIn(await g.says("/表单")), { method: "POST", body: formData(true) });
    await fetch(linkIn(await g.says("/表单")), { method: "POST", body: formData(true) });
    const dm = new Chat(app, g.userId, g.userId, g.userName);
    const ledgerUrl = /https?:\/\/\S+\/d\/[A-Za-z0-9_.-]+/.exec(await dm.says("/导出 台账", { chatType: "direct" }))?.[0] ?? "";
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await (await fetch(ledgerUrl)).arrayBuffer()) as ArrayBuffer);
    const links: string[] = [];
    wb.getWorksheet("活动台账")?.eachRow((row) => row.eachCell((cell) => void (cell.hyperlink?.includes("/p/") && links.push(cell.hyperlink))));
    expect(links).toHaveLength(2);
    for (const l of links) expect((await fetch(l)).status).toBe(200);
    const [first, second] = links as [string, string];
    expect(await g.says("/撤销 1")).toMatch(/已撤销 #1/);
    // Which record each link belongs to is not in the sheet's order for sure: one of the two is dead now.
    const statuses = [(await fetch(first)).status, (await fetch(second)).status].sort();
    expect(statuses).toEqual([200, 404]);
    // Retention removed the other photo's row: its link dies too, though signed for half a year.
    await app.db.activityPhoto.deleteMany({ where: { communityId: await communityId(g.community) } });
    expect([(await fetch(first)).status, (await fetch(second)).status]).toEqual([404, 404]);
  });

  it("a photo stored before uploads were cleaned goes out without its position", async () => {
    const g = await boundGroup(app);
    await g.says("/记录 示范课 11月20日 二小");
    const cid = await communityId(g.community);
    const activity = await app.db.activity.findFirstOrThrow({ where: { communityId: cid } });
    const fileName = `${crypto.randomUUID()}-0.jpg`;
    await app.db.storedFile.create({
      data: { key: `photos/${cid}/${fileName}`, mimeType: "image/jpeg", size: jpegWithGps().length, chunks: { create: { seq: 0, data: new Uint8Array(jpegWithGps()) } } },
    });
    await app.db.activityPhoto.create({ data: { communityId: cid, sourceMessageKey: activity.sourceMessageKey, position: 0, fileName, mimeType: "image/jpeg", size: 1 } });
    const served = Buffer.from(await (await fetch(photoUrl({ baseUrl: app.url, secret: SECRET }, cid, [fileName], Date.now() * 2))).arrayBuffer());
    expect(await exifr.gps(served)).toBeUndefined();
    expect(served.subarray(served.length - PICTURE.length).equals(PICTURE)).toBe(true);
  });
});
