/**
 * Photo links carry no more power than the chat or file they travel in. On a platform with web
 * sign-in (here WeCom 网页授权, the loopback fake of test/fakes/web-login.ts) a photo link made for
 * a group (a group form's confirmation page), written into a ledger (the 照片 cell, valid half a
 * year for inspections) or shown on a signed-in page opens only for a signed-in member of the
 * record's community or an admin of its district; signed out a browser is sent to sign in.
 * Without web sign-in they stay bearer links, as before. Messages are handed to dispatch as the
 * WeCom adapter would; pages are opened over HTTP, following the sign-in redirects as a browser does.
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app/app.ts";
import { handleInbound } from "../../commands/index.ts";
import type { CommandSettings } from "../../commands/core/types.ts";
import { createDatabase, type Database } from "../../db/client.ts";
import type { InboundMessage } from "../../messages/messages.ts";
import { photoUrl } from "../../web/forms/photo-link.ts";
import { FakeWebLogin } from "../fakes/web-login.ts";
import { TEST_DATABASE_URL, unique } from "../support/env.ts";
import { startTestApp, TEST_NOW } from "../support/harness.ts";
import { jpegWithGps } from "../support/jpeg-gps.ts";

const WECOM = { corpId: "wwfakecorp", secret: "wecom-app-secret-for-tests", agentId: 1000002 };
const SECRET = "q".repeat(40);
let app: App;
let fake: FakeWebLogin;
let direct: Database;

beforeAll(async () => {
  fake = await new FakeWebLogin({ wecom: WECOM, dingtalk: { clientId: "dingfake", clientSecret: "dingsecret" } }).start();
  app = await startTestApp({
    FORM_SECRET: SECRET,
    WECOM_CORP_ID: WECOM.corpId,
    WECOM_APP_SECRET: WECOM.secret,
    WECOM_AGENT_ID: String(WECOM.agentId),
    WECOM_APP_TOKEN: "callbacktoken",
    WECOM_APP_AES_KEY: "a".repeat(43),
    WECOM_API_BASE: fake.url,
    WECOM_OAUTH_BASE: fake.url,
  });
  fake.wecomTrustedHost = new URL(app.url).host;
  direct = createDatabase(TEST_DATABASE_URL, 2);
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
  await direct?.db.$disconnect();
  await direct?.sql.end();
});

const settings = (signIn: CommandSettings["signIn"]): CommandSettings => ({
  webhookOrigins: { wecom: fake.url, dingtalk: fake.url },
  forms: { baseUrl: app.url, secret: SECRET, ttlMs: 86_400_000 },
  signIn,
});

let lastReplies: Awaited<ReturnType<typeof handleInbound>>["replies"] = [];
/** A WeCom message from `userId`, handed to dispatch as the adapter hands it to the queue. */
async function says(chatId: string, userId: string, text: string, opts: { signIn?: CommandSettings["signIn"]; chatType?: "group" | "direct" } = {}) {
  const message: InboundMessage = {
    platform: "wecom",
    chatId,
    chatType: opts.chatType ?? "group",
    senderId: userId,
    senderName: userId,
    text,
    messageId: unique("m"),
    mentioned: true,
    receivedAt: TEST_NOW.toISOString(),
  };
  const out = await handleInbound({ ...direct, now: () => TEST_NOW, settings: settings(opts.signIn ?? ["wecom"]) }, message);
  lastReplies = out.replies;
  return out.replies.map((r) => r.text).join("\n");
}

const linkIn = (text: string, kind: string) => new RegExp(`http://127\\.0\\.0\\.1:\\d+/${kind}/\\S+`).exec(text)?.[0] ?? "";

type Jar = Map<string, string>;
/** A browser signed in to WeCom as `wecomUser` (or nobody): follows redirects across the app and the platform, keeping the app's cookies in `jar`. */
async function open(url: string, wecomUser: string | undefined, init: RequestInit = {}, jar: Jar = new Map()) {
  let next = url;
  let method = init.method ?? "GET";
  for (let hop = 0; hop < 8; hop++) {
    if (wecomUser !== undefined) fake.wecomUser = wecomUser;
    const onApp = next.startsWith(app.url);
    const cookie = onApp ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
    const res = await fetch(next, { ...init, method, redirect: "manual", headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
    if (onApp) for (const c of res.headers.getSetCookie()) jar.set(c.split("=")[0]!, c.split(";")[0]!.slice(c.indexOf("=") + 1));
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) return { status: res.status, body: Buffer.from(await res.arrayBuffer()), type: res.headers.get("content-type") ?? "" };
    if (wecomUser === undefined) return { status: res.status, body: Buffer.alloc(0), type: "", location };
    next = new URL(location, next).toString().replace(/#.*$/, "");
    method = "GET";
  }
  throw new Error("too many redirects");
}

/** A community bound in a WeCom group, with a teacher who spoke there. */
async function community() {
  const chatId = unique("wc");
  const admin = unique("wu");
  expect(await says(chatId, admin, `/绑定 ${unique("共同体")}`)).toMatch(/已创建共同体/);
  await says(chatId, admin, "/学校 添加 清涧县第二小学 核心 二小");
  await says(chatId, admin, "/学校 添加 郝家也中心小学 成员 郝家也");
  const teacher = unique("wt");
  await says(chatId, teacher, "/帮助");
  return { chatId, admin, teacher };
}

/** A district whose admin is `bureau` (a WeCom account), with the community joined. */
async function district(chatId: string, admin: string) {
  const bureau = unique("wb");
  const name = `${unique("区")}教育局`;
  const created = await says(bureau, bureau, `/区县 创建 ${name}`, { chatType: "direct" });
  const code = /加入码：([A-Z0-9]{8})/.exec(created)?.[1] ?? "";
  expect(await says(chatId, admin, `/区县 绑定 ${name} ${code}`)).toMatch(/已加入/);
  return bureau;
}

/** The teacher fills in the group's form with a photo, signed in; the confirmation page shows the photo. */
async function recordWithPhoto(chatId: string, teacher: string): Promise<string> {
  const url = linkIn(await says(chatId, teacher, "/表单 示范课"), "f");
  const jar: Jar = new Map();
  expect((await open(url, teacher, {}, jar)).status).toBe(200);
  const body = new FormData();
  for (const [k, v] of Object.entries({ kind: "示范课", date: "2026-11-20", host: "清涧县第二小学", subject: "语文", photoConsent: "1" })) body.append(k, v);
  body.append("photos", new Blob([jpegWithGps()], { type: "image/jpeg" }), "IMG_0001.jpg");
  const done = await open(url, teacher, { method: "POST", body }, jar);
  const html = done.body.toString("utf8");
  expect(html).toMatch(/已记录 #1/);
  return (/src="([^"]+\/p\/[^"]+)"/.exec(html)?.[1] ?? "").replace(/&amp;/g, "&");
}

/** The first photo link in a ledger workbook (its 照片 cells, on any sheet). */
async function photoCell(xlsx: Buffer): Promise<string> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx as unknown as ArrayBuffer);
  const links: string[] = [];
  for (const sheet of book.worksheets) sheet.eachRow((row) => row.eachCell((cell) => void (cell.hyperlink?.includes("/p/") && links.push(cell.hyperlink))));
  return links[0] ?? "";
}

describe("photo links on a platform with web sign-in", () => {
  it("a ledger's 照片 cell (the group's file message) opens for a signed-in member and the district's admin, not for others or signed out", async () => {
    const { chatId, admin, teacher } = await community();
    const bureau = await district(chatId, admin);
    await recordWithPhoto(chatId, teacher);
    expect(await says(chatId, admin, "/导出 台账")).toMatch(/只有本共同体的管理员和校长登录后能打开/);
    // What everyone in the group receives: the file message, fetched by the platform through the link nobody is shown.
    const file = await fetch(lastReplies.find((r) => r.file)?.file?.url ?? "");
    expect(file.status).toBe(200);
    const cell = await photoCell(Buffer.from(await file.arrayBuffer()));
    expect(cell).toMatch(/\/p\//);

    // Signed out: sent to WeCom's sign-in and back to the photo.
    const anon = await open(cell, undefined);
    expect(anon.status).toBe(302);
    expect(anon.location).toMatch(/^\/login\/wecom\?next=%2Fp%2F/);
    // The community's teacher (not the asker, no role) and the district's bureau admin, signed in: the photo.
    for (const who of [teacher, bureau]) {
      const seen = await open(cell, who);
      expect(seen.status, who).toBe(200);
      expect(seen.type).toBe("image/jpeg");
    }
    // An admin of another community, and the admin of another district: refused, nothing shown.
    const other = await community();
    const otherBureau = await district(other.chatId, other.admin);
    for (const who of [other.admin, otherBureau, unique("stranger")]) {
      const refused = await open(cell, who);
      expect(refused.status, who).toBe(403);
      expect(refused.type).toContain("text/html");
      expect(refused.body.toString("utf8")).toMatch(/只有该共同体的成员和所在区县的管理员登录后能看/);
    }
    // Tampered with (one character of the signature): refused before anything is read.
    const token = cell.slice(cell.lastIndexOf("/") + 1);
    const flipped = `${cell.slice(0, cell.lastIndexOf("/") + 1)}${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expect((await open(flipped, teacher)).status).toBe(403);
  });

  it("a group form's confirmation page and a 1:1 ledger bind their photos too; the district workbook's cells open for its admin", async () => {
    const { chatId, admin, teacher } = await community();
    const bureau = await district(chatId, admin);
    const shown = await recordWithPhoto(chatId, teacher);
    expect((await open(shown, undefined)).status).toBe(302);
    expect((await open(shown, teacher)).status).toBe(200);
    expect((await open(shown, (await community()).admin)).status).toBe(403);

    // The dashboard's school page, signed in: the record's photo is shown through a link bound the same way.
    const jar: Jar = new Map();
    expect((await open(shown, teacher, {}, jar)).status).toBe(200);
    const cid = (await direct.db.chatGroup.findFirstOrThrow({ where: { platform: "wecom", chatId } })).communityId;
    const school = await direct.db.school.findFirstOrThrow({ where: { communityId: cid, fullName: "清涧县第二小学" } });
    const page = (await open(`${app.url}/community/${cid}/school/${school.id}`, teacher, {}, jar)).body.toString("utf8");
    const onPage = (/<img src="([^"]+\/p\/[^"]+)"/.exec(page)?.[1] ?? "").replace(/&amp;/g, "&");
    expect(onPage).toMatch(/\/p\//);
    expect((await open(onPage, undefined)).status).toBe(302);
    expect((await open(onPage, teacher, {}, jar)).status).toBe(200);

    // A ledger asked for 1:1 travels as far as a group's (handed on, opened at an inspection): its cells are bound as well.
    const dm = await says(admin, admin, "/导出 台账", { chatType: "direct" });
    const ledger = await fetch(linkIn(dm, "d"));
    expect(ledger.status).toBe(200);
    const cell = await photoCell(Buffer.from(await ledger.arrayBuffer()));
    expect((await open(cell, undefined)).status).toBe(302);
    expect((await open(cell, bureau)).status).toBe(200);

    // The district workbook, asked for 1:1 by the bureau: every community's cells, open for the bureau signed in.
    const workbook = await fetch(linkIn(await says(bureau, bureau, "/区县 导出 台账", { chatType: "direct" }), "d"));
    expect(workbook.status).toBe(200);
    const districtCell = await photoCell(Buffer.from(await workbook.arrayBuffer()));
    expect(districtCell).toMatch(/\/p\//);
    expect((await open(districtCell, undefined)).status).toBe(302);
    expect((await open(districtCell, bureau)).status).toBe(200);
  });
});

describe("photo links where there is no web sign-in", () => {
  it("a ledger's cells stay bearer links, and so does an old link made before binding", async () => {
    const { chatId, admin, teacher } = await community();
    await recordWithPhoto(chatId, teacher);
    await says(chatId, admin, "/导出 台账", { signIn: [] });
    const file = await fetch(lastReplies.find((r) => r.file)?.file?.url ?? "");
    const cell = await photoCell(Buffer.from(await file.arrayBuffer()));
    expect((await fetch(cell)).status).toBe(200);
    const cid = (await direct.db.chatGroup.findFirstOrThrow({ where: { platform: "wecom", chatId } })).communityId;
    const [photo] = await direct.db.activityPhoto.findMany({ where: { communityId: cid } });
    expect((await fetch(photoUrl({ baseUrl: app.url, secret: SECRET }, cid, [photo!.fileName], Date.now() + 60_000))).status).toBe(200);
  });
});
