/**
 * The web form over HTTP, through the real pipeline: link from the chat, GET the page, POST
 * multipart, record in PostgreSQL once, confirmation in the group (simulator outbox).
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, get, startTestApp, TEST_NOW } from "./support/harness.ts";

let app: App;
let clock = TEST_NOW;
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082", "hex");

beforeAll(async () => {
  const photoDir = await mkdtemp(join(tmpdir(), "jl-photos-"));
  app = await startTestApp({ FORM_SECRET: "x".repeat(40), PHOTO_DIR: photoDir }, () => clock);
});
afterAll(async () => app?.close());

const linkIn = (text: string) => /https?:\/\/\S+\/f\/[A-Za-z0-9_.-]+/.exec(text)?.[0] ?? "";

function formData(fields: Record<string, string | string[]>, files: { name: string; data: Buffer; type?: string }[] = []): FormData {
  const fd = new FormData();
  // Photos are kept only with the guardians' consent ticked (test/privacy-photos.test.ts refuses them without it).
  if (files.length > 0 && fields.photoConsent === undefined) fd.append("photoConsent", "1");
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) fd.append(k, one);
  for (const f of files) fd.append("photos", new Blob([f.data], { type: f.type ?? "image/jpeg" }), f.name);
  return fd;
}

async function submit(url: string, fd: FormData) {
  const res = await fetch(url, { method: "POST", body: fd });
  return { status: res.status, html: await res.text() };
}

async function outbox(chatId: string): Promise<string[]> {
  return (await get<{ messages: { text: string }[] }>(app, `/sim/outbox?chatId=${chatId}`)).body.messages.map((m) => m.text);
}

const valid = {
  kind: "示范课",
  date: "2026-11-20",
  host: "清涧县第二小学",
  schools: ["郝家也中心小学", "双庙中心小学"],
  subject: "语文",
  title: "分数的意义",
  people: "张三、李四",
  headcount: "35",
  notes: "效果很好=大家满意",
};

describe("the form link", () => {
  it("/表单 and a bare /记录 answer with a signed link to a form built from the command's fields", async () => {
    const g = await boundGroup(app);
    const reply = await g.says("/表单 示范课");
    expect(reply).toMatch(/24小时内有效/);
    const page = await fetch(linkIn(reply));
    const html = await page.text();
    expect(page.status).toBe(200);
    for (const label of ["类型", "日期", "主办校", "参与校", "学科", "课题", "人数", "主讲", "备注", "照片"]) expect(html).toContain(label);
    expect(html).toContain("郝家也中心小学");
    expect(html).toMatch(/<option selected>示范课<\/option>/);
    expect(html).toContain('value="2026-11-22"'); // today in Beijing on the injected clock
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/); // nothing fetched from elsewhere
    expect(linkIn(await g.says("/记录"))).not.toBe("");
  });

  it("records once through the same job, posts the confirmation in the group, and refuses a second submit", async () => {
    const g = await boundGroup(app);
    const url = linkIn(await g.says("/表单"));
    const [a, b] = await Promise.all([submit(url, formData(valid)), submit(url, formData(valid))]);
    // Whichever submit the server reads second either joins the same job (200) or, when the first has
    // already finished before its link is checked, is told the form was used (409). Never a second record.
    const [first, second] = [a, b].sort((x, y) => x.status - y.status);
    expect(first?.status).toBe(200);
    expect([200, 409]).toContain(second?.status);
    expect(a.html + b.html).toMatch(/已记录 #1/);
    if (second?.status === 409) expect(second.html).toMatch(/已经提交过了：记录 #1/);
    const acts = await g.activities();
    expect(acts).toHaveLength(1);
    expect(acts[0]).toMatchObject({
      kind: "示范课",
      date: "2026-11-20",
      hostSchool: "清涧县第二小学",
      subject: "语文",
      title: "分数的意义",
      headcount: 35,
      people: ["张三", "李四"],
      notes: "效果很好=大家满意",
    });
    await expect.poll(() => outbox(g.chatId)).toEqual([expect.stringMatching(/已记录 #1[\s\S]*示范课/)]);
    const again = await submit(url, formData({ ...valid, kind: "听评课" }));
    expect(again.html).toMatch(/已经提交过了：记录 #1/);
    expect(await (await fetch(url)).text()).toMatch(/已经提交过了：记录 #1/);
    expect(await g.activities()).toHaveLength(1);
  });

  it("shows errors next to each field, in Chinese, keeping what was typed, and records nothing", async () => {
    const g = await boundGroup(app);
    const url = linkIn(await g.says("/表单"));
    const bad = await submit(url, formData({ ...valid, kind: "", headcount: "0", date: "2028-01-01", title: "保留这个课题" }));
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/data-field="kind">[\s\S]*?请填写类型/);
    expect(bad.html).toMatch(/data-field="headcount">[\s\S]*?人数至少1人/);
    expect(bad.html).toMatch(/data-field="date">[\s\S]*?离今天超过一年/);
    expect(bad.html).toContain('value="保留这个课题"');
    expect(bad.html).not.toMatch(/at .*\.ts:\d+|Error:/);
    expect(await g.activities()).toHaveLength(0);
    const unknown = await submit(url, formData({ ...valid, host: "不存在的学校", subject: "火星语" }));
    expect(unknown.status).toBe(422);
    expect(unknown.html).toMatch(/data-field="host">[\s\S]*?不存在的学校/);
    expect(await g.activities()).toHaveLength(0);
    // The same link still works once the form is right.
    expect((await submit(url, formData(valid))).html).toMatch(/已记录 #1/);
  });

  it("refuses a tampered, a foreign-signed and an expired link with a clear page, recording nothing", async () => {
    const g = await boundGroup(app);
    const url = linkIn(await g.says("/表单"));
    const [base, token] = url.split("/f/") as [string, string];
    const [body, sig] = token.split(".") as [string, string];
    const payload = JSON.parse(Buffer.from(body, "base64url").toString());
    const forged = `${base}/f/${Buffer.from(JSON.stringify({ ...payload, m: payload.m + 1 })).toString("base64url")}.${sig}`;
    for (const bad of [forged, `${url}x`, `${base}/f/garbage`, `${base}/f/${body}`]) {
      const res = await fetch(bad);
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/链接无效[\s\S]*\/表单/);
      expect((await submit(bad, formData(valid))).status).toBe(403);
    }
    clock = new Date(TEST_NOW.getTime() + 25 * 3600_000);
    try {
      const res = await submit(url, formData(valid));
      expect(res.status).toBe(410);
      expect(res.html).toMatch(/已过期/);
    } finally {
      clock = TEST_NOW;
    }
    expect(await g.activities()).toHaveLength(0);
  });
});

describe("photos", () => {
  it("keeps real images and serves them back only through a signed link", async () => {
    const g = await boundGroup(app);
    const url = linkIn(await g.says("/表单"));
    const res = await submit(url, formData(valid, [{ name: "a.png", data: PNG, type: "image/png" }]));
    expect(res.html).toMatch(/已记录 #1/);
    const photo = /src="([^"]+\/p\/[^"]+)"/.exec(res.html)?.[1] ?? "";
    const got = await fetch(photo.replace(/&amp;/g, "&"));
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
    const rows = await app.db.activityPhoto.findMany({ where: { sourceMessageKey: { contains: "form-" }, fileName: photo ? { endsWith: ".png" } : undefined, community: { name: g.community } } });
    expect(rows).toHaveLength(1);
    expect((await fetch(photo.replace(/\.[^.]+$/, "AAAA"))).status).toBe(403);
  });

  it("the ledger's 照片 cell opens every photo of the activity, still months after the chat links expired", async () => {
    const g = await boundGroup(app);
    const url = linkIn(await g.says("/表单"));
    const JPEG = Buffer.from("ffd8ffe000104a46494600010100000100010000ffd9", "hex");
    const res = await submit(
      url,
      formData(valid, [
        { name: "a.png", data: PNG, type: "image/png" },
        { name: "b.jpg", data: JPEG },
      ]),
    );
    expect(res.html).toMatch(/已记录 #1/);
    const chatLink = (/src="([^"]+\/p\/[^"]+)"/.exec(res.html)?.[1] ?? "").replace(/&amp;/g, "&");

    const ledgerUrl = /https?:\/\/\S+\/d\/[A-Za-z0-9_.-]+/.exec(await g.says("/导出 台账", { chatType: "direct" }))?.[0] ?? "";
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await (await fetch(ledgerUrl)).arrayBuffer()) as ArrayBuffer);
    const cell = wb.getWorksheet("活动台账")!.getRow(2).getCell(15).value as ExcelJS.CellHyperlinkValue;
    expect(cell.text).toBe("照片（2张）");

    const later = clock;
    clock = new Date(later.getTime() + 90 * 24 * 3_600_000); // an inspection three months on
    try {
      expect((await fetch(chatLink)).status).toBe(410); // the chat's 24 h link is long dead
      const page = await fetch(cell.hyperlink);
      expect(page.status).toBe(200);
      const images = [...(await page.text()).matchAll(/<img src="([^"]+)"/g)].map((m) => (m[1] ?? "").replace(/&amp;/g, "&"));
      expect(images).toHaveLength(2);
      const bodies = await Promise.all(images.map(async (i) => Buffer.from(await (await fetch(i)).arrayBuffer())));
      expect(bodies[0]?.equals(PNG)).toBe(true);
      expect(bodies[1]?.equals(JPEG)).toBe(true);
      const tampered = cell.hyperlink.replace(/\/p\/(.)/, (_, c: string) => `/p/${c === "A" ? "B" : "A"}`);
      expect((await fetch(tampered)).status).toBe(403);
    } finally {
      clock = later;
    }
  });

  it("refuses anything that is not an image, files over 10 MB and more than 5 photos", async () => {
    const g = await boundGroup(app);
    const url = linkIn(await g.says("/表单"));
    const script = await submit(url, formData(valid, [{ name: "photo.jpg", data: Buffer.from("#!/bin/sh\nrm -rf /\n"), type: "image/jpeg" }]));
    expect(script.status).toBe(422);
    expect(script.html).toMatch(/data-field="photos">[\s\S]*?只能上传照片/);
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024 + 1)]);
    expect((await submit(url, formData(valid, [{ name: "big.png", data: big }]))).html).toMatch(/不能超过10MB/);
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `${i}.png`, data: PNG }));
    expect((await submit(url, formData(valid, six))).html).toMatch(/最多上传5张/);
    expect(await g.activities()).toHaveLength(0);
  });
});

describe("malformed requests", () => {
  it("answer with a Chinese page and no stack trace", async () => {
    const g = await boundGroup(app);
    const url = linkIn(await g.says("/表单"));
    const urlencoded = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "kind=示范课" });
    expect(urlencoded.status).toBe(415);
    expect(await urlencoded.text()).toMatch(/格式不对/);
    const broken = await fetch(url, { method: "POST", headers: { "content-type": "multipart/form-data; boundary=xyz" }, body: '--xyz\r\nContent-Disposition: form-data; name="kind"\r\n\r\n示范' });
    expect(broken.status).toBeGreaterThanOrEqual(400);
    expect(broken.status).toBeLessThan(500);
    expect(await broken.text()).toMatch(/什么也没有记录/);
    const json = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(json.status).toBe(400);
    expect((await fetch(`${app.url}/p/garbage`)).status).toBe(403);
    expect((await fetch(`${app.url}/p/%00%ff`)).status).toBe(400);
    expect(await g.activities()).toHaveLength(0);
  });
});

describe("the minutes form", () => {
  it("a bare /纪要 links to a form whose text keeps its lines and becomes minutes with action items", async () => {
    const g = await boundGroup(app);
    clock = new Date("2026-11-10T04:00:00Z");
    try {
      await g.says("/会议 安排 11月14日 9:00 二小会议室");
    } finally {
      clock = TEST_NOW;
    }
    const url = linkIn(await g.says("/纪要"));
    const html = await (await fetch(url)).text();
    expect(html).toContain("填写联席会议纪要");
    expect(html).toContain("每个待办单独一行");
    const res = await submit(url, formData({ text: "一、总结送课情况\n待办：@王主任 12月10日前 提交送课方案\n待办：@李校长 12月20日前 安排听课" }));
    expect(res.status).toBe(200);
    expect(res.html).toMatch(/联席会议纪要[\s\S]*提交送课方案[\s\S]*安排听课/);
    const community = await app.db.community.findUniqueOrThrow({ where: { name: g.community } });
    expect((await app.db.actionItem.findMany({ where: { communityId: community.id }, orderBy: { number: "asc" } })).map((i) => i.task)).toEqual(["提交送课方案", "安排听课"]);
    expect((await app.db.meeting.findFirstOrThrow({ where: { communityId: community.id } })).minutes).toContain("一、总结送课情况\n待办");
    expect(await g.activities()).toMatchObject([{ kind: "联席会议" }]);
    expect((await submit(url, formData({ text: "再交一次" }))).html).toMatch(/已经提交过了/);
  });
});
