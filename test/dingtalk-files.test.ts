/**
 * Exports as DingTalk file messages: the bot fetches its own signed link, uploads the bytes as
 * media to the fake DingTalk (oapi /media/upload, multipart field "media") and sends sampleFile
 * through the robot OpenAPI; the uploaded bytes are read back with the real readers.
 */
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { FakeDingtalk, type Sent } from "./fakes/dingtalk.ts";
import { waitFor } from "./fakes/http-util.ts";
import { bindDingtalkGroup } from "./support/dingtalk-group.ts";
import { unique } from "./support/env.ts";
import { startTestApp } from "./support/harness.ts";

const APP = { clientId: "dingfiles", clientSecret: "dt-files-secret" };
let fake: FakeDingtalk;
let app: App;

beforeAll(async () => {
  fake = await new FakeDingtalk(APP).start();
  app = await startTestApp({
    ...fake.botEnv(),
    DINGTALK_KEEPALIVE_MS: "300",
    FORM_SECRET: "f".repeat(40),
    LOG_LEVEL: process.env.DEBUG_LOG ?? "silent",
  });
  await fake.waitForOpen();
});

afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

const param = (s: Sent) => JSON.parse(String(s.body.msgParam)) as Record<string, string>;
const isFile = (s: Sent) => s.body.msgKey === "sampleFile";
const linkIn = (s: Sent) => /https?:\/\/[^\s)"\\]+\/d\/[A-Za-z0-9_.-]+/.exec(JSON.stringify(s.body))?.[0] ?? "";

/** Says something and waits for the text answer (session webhook or OpenAPI) that names a download link. */
async function exportFrom(o: { conversationId: string; userId: string; nick?: string; group?: boolean }, text: string) {
  const before = fake.sent.length;
  const m = await fake.userSays({ ...o, text });
  const reply = await waitFor(() => fake.sent.slice(before).find((s) => !isFile(s) && (s.target === m.session || s.target === o.conversationId) && linkIn(s)), 20_000, `answer to ${text}`);
  return { before, reply, link: linkIn(reply) };
}

async function groupWithPrincipal() {
  const conversationId = unique("cid");
  const admin = unique("staff");
  await bindDingtalkGroup(fake, conversationId, admin);
  const before = fake.sent.length;
  const principal = unique("staff");
  await fake.userSays({ conversationId, userId: admin, text: "/成员 @李校长 二小 校长", atStaffIds: [principal] });
  await waitFor(() => fake.sent.slice(before).find((s) => /已添加成员：李校长/.test(JSON.stringify(s.body))), 10_000, "principal added");
  return { conversationId, admin, principal };
}

describe("exports as DingTalk file messages", () => {
  it("a principal's /导出 台账 in a group: the text with the link, then a sampleFile whose upload opens as the workbook under its Chinese name", async () => {
    const { conversationId, principal } = await groupWithPrincipal();
    const { before, reply, link } = await exportFrom({ conversationId, userId: principal, nick: "李校长" }, "/导出 台账");
    const file = await waitFor(() => fake.sent.slice(before).find(isFile), 20_000, "sampleFile");
    expect(file.via).toBe("group");
    expect(file.target).toBe(conversationId);
    expect(file.body.robotCode).toBe(APP.clientId);
    // The file follows the text, never replaces it.
    expect(fake.sent.indexOf(file)).toBeGreaterThan(fake.sent.indexOf(reply));

    const p = param(file);
    // The link in the text opens after a DingTalk sign-in (it was posted in a group); the file
    // message went through a link of its own that nobody is shown.
    const opened = await fetch(link, { redirect: "manual" });
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toMatch(/^\/login\/dingtalk\?/);
    expect(p.fileName).toMatch(/台账.*\.xlsx$/);
    const expectedName = p.fileName;
    expect(p.fileName).toMatch(/[\u4e00-\u9fff]/);
    expect(p.fileType).toBe("xlsx");

    const upload = fake.uploads.get(p.mediaId!)!;
    expect(upload.type).toBe("file");
    expect(upload.fileName).toBe(expectedName);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(upload.bytes as unknown as ArrayBuffer);
    // A principal's own school: no audit sheet.
    expect(wb.worksheets.map((s) => s.name)).toEqual(["活动台账", "目标进度", "师徒结对", "联席会议", "待办事项"]);
    expect(wb.getWorksheet("活动台账")!.getRow(1).getCell(1).value).toBe("序号");
  });

  it("/导出 总结 goes as a .docx file message whose bytes are the term summary", async () => {
    const conversationId = unique("cid");
    const admin = unique("staff");
    await bindDingtalkGroup(fake, conversationId, admin);
    const { before } = await exportFrom({ conversationId, userId: admin }, "/导出 总结");
    const file = await waitFor(() => fake.sent.slice(before).find(isFile), 20_000, "sampleFile");
    const p = param(file);
    expect(p.fileType).toBe("docx");
    expect(p.fileName).toMatch(/总结.*\.docx$/);
    const zip = await JSZip.loadAsync(fake.uploads.get(p.mediaId!)!.bytes);
    expect(await zip.file("word/document.xml")?.async("string")).toContain("一、基本情况");
  });

  it("in a 1:1 chat (a district bureau's /区县 导出 台账) the file goes to the user through oToMessages", async () => {
    const bureau = unique("staff");
    const dm = unique("dm");
    const name = unique("安川县教育局");
    const created = await exportFromText({ conversationId: dm, userId: bureau, group: false }, `/区县 创建 ${name}`, /加入码：([A-Z0-9]{8})/);
    const code = /加入码：([A-Z0-9]{8})/.exec(created)?.[1] ?? "";
    const conversationId = unique("cid");
    const admin = unique("staff");
    await bindDingtalkGroup(fake, conversationId, admin);
    await exportFromText({ conversationId, userId: admin }, `/区县 绑定 ${name} ${code}`, /已加入/);

    const { before } = await exportFrom({ conversationId: dm, userId: bureau, group: false }, "/区县 导出 台账");
    const file = await waitFor(() => fake.sent.slice(before).find(isFile), 20_000, "sampleFile");
    expect(file.via).toBe("user");
    expect(file.body.userIds).toEqual([bureau]);
    const p = param(file);
    expect(p.fileType).toBe("xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fake.uploads.get(p.mediaId!)!.bytes as unknown as ArrayBuffer);
    expect(wb.worksheets[0]?.name).toBe("汇总");
  });

  it("an upload DingTalk refuses leaves the text with its link, is tried once and never retried", async () => {
    const conversationId = unique("cid");
    const admin = unique("staff");
    await bindDingtalkGroup(fake, conversationId, admin);
    const attempts = fake.uploadAttempts;
    // Global return code 88 + sub_code 60011: no permission for the API (see dingtalk-media.ts).
    fake.refuseUploads = { errcode: 88, errmsg: "ding talk error[subcode=60011,submsg=没有调用该接口的权限]", sub_code: "60011", sub_msg: "没有调用该接口的权限" };
    try {
      const { before, link } = await exportFrom({ conversationId, userId: admin }, "/导出 台账");
      expect((await fetch(link, { redirect: "manual" })).headers.get("location")).toMatch(/^\/login\/dingtalk\?/);
      await waitFor(() => fake.uploadAttempts > attempts, 10_000, "the upload attempt");
      await new Promise((r) => setTimeout(r, 1500));
      expect(fake.uploadAttempts - attempts).toBe(1);
      expect(fake.sent.slice(before).filter(isFile)).toEqual([]);
    } finally {
      fake.refuseUploads = undefined;
    }
    // The next export still goes as a file: nothing stuck, nothing crashed.
    const { before } = await exportFrom({ conversationId, userId: admin }, "/导出 台账");
    await waitFor(() => fake.sent.slice(before).find(isFile), 20_000, "sampleFile after the refusal");
  });
});

async function exportFromText(o: { conversationId: string; userId: string; group?: boolean }, text: string, answer: RegExp): Promise<string> {
  const before = fake.sent.length;
  const m = await fake.userSays({ ...o, text });
  const reply = await waitFor(
    () => fake.sent.slice(before).find((s) => (s.target === m.session || s.target === o.conversationId || s.target === o.userId) && answer.test(JSON.stringify(s.body))),
    20_000,
    text,
  );
  return JSON.stringify(reply.body);
}
