/**
 * Links carry no more power than the chat they were posted in. On a platform with web sign-in a
 * form link posted in a group opens only for the asker, signed in through the platform (here
 * WeCom 网页授权, the loopback fake of test/fakes/web-login.ts), and a download link only for a
 * signed-in admin or principal of the community; without sign-in no form link is posted in a
 * group. Messages are handed to dispatch as the WeCom adapter would (platform "wecom"); pages are
 * opened over HTTP, following the sign-in redirects as a browser does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app/app.ts";
import { handleInbound } from "../../commands/index.ts";
import type { CommandSettings } from "../../commands/core/types.ts";
import { createDatabase, type Database } from "../../db/client.ts";
import type { InboundMessage } from "../../messages/messages.ts";
import { FakeWebLogin } from "../fakes/web-login.ts";
import { TEST_DATABASE_URL, unique } from "../support/env.ts";
import { startTestApp, TEST_NOW } from "../support/harness.ts";

const WECOM = { corpId: "wwfakecorp", secret: "wecom-app-secret-for-tests", agentId: 1000002 };
const SECRET = "b".repeat(40);
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

/** A WeCom group message from `userId`, handed to dispatch as the adapter hands it to the queue. */
async function says(chatId: string, userId: string, text: string, signIn: CommandSettings["signIn"] = ["wecom"], chatType: "group" | "direct" = "group") {
  const message: InboundMessage = { platform: "wecom", chatId, chatType, senderId: userId, senderName: userId, text, messageId: unique("m"), mentioned: true, receivedAt: TEST_NOW.toISOString() };
  const out = await handleInbound({ ...direct, now: () => TEST_NOW, settings: settings(signIn) }, message);
  lastReplies = out.replies;
  return out.replies.map((r) => r.text).join("\n");
}
let lastReplies: Awaited<ReturnType<typeof handleInbound>>["replies"] = [];

const linkIn = (text: string, kind: string) => new RegExp(`http://127\\.0\\.0\\.1:\\d+/${kind}/\\S+`).exec(text)?.[0] ?? "";

/** A browser signed in to WeCom as `wecomUser` (or nobody): follows redirects across the app and the platform, keeping the app's cookies. */
async function open(url: string, wecomUser: string | undefined, init: RequestInit = {}) {
  const cookies = new Map<string, string>();
  let next = url;
  let method = init.method ?? "GET";
  for (let hop = 0; hop < 8; hop++) {
    if (wecomUser !== undefined) fake.wecomUser = wecomUser;
    const onApp = next.startsWith(app.url);
    const cookie = onApp ? [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") : "";
    const res = await fetch(next, { ...init, method, redirect: "manual", headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
    if (onApp) for (const c of res.headers.getSetCookie()) cookies.set(c.split("=")[0]!, c.split(";")[0]!.slice(c.indexOf("=") + 1));
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) return { status: res.status, text: await res.text(), hops: hop, type: res.headers.get("content-type") ?? "" };
    if (wecomUser === undefined && location.startsWith(fake.url)) return { status: res.status, text: "", hops: hop, type: "", signInAsked: true };
    next = new URL(location, next).toString().replace(/#.*$/, "");
    method = "GET";
  }
  throw new Error("too many redirects");
}

async function community() {
  const chatId = unique("wc");
  const admin = unique("wu");
  expect(await says(chatId, admin, `/绑定 ${unique("共同体")}`)).toMatch(/已创建共同体/);
  await says(chatId, admin, "/学校 添加 清涧县第二小学 核心 二小");
  await says(chatId, admin, "/学校 添加 郝家也中心小学 成员 郝家也");
  return { chatId, admin };
}

describe("a form link posted in a group", () => {
  it("opens only for the asker once signed in; others are refused; a post without sign-in is read no further", async () => {
    const { chatId, admin } = await community();
    const teacher = unique("wt");
    await says(chatId, teacher, "/帮助");
    const reply = await says(chatId, teacher, "/表单 示范课");
    expect(reply).toMatch(/只有你本人登录后能打开/);
    const url = linkIn(reply, "f");
    expect(url).not.toBe("");

    // Nobody signed in: the page sends the browser to WeCom's sign-in.
    const anon = await fetch(url, { redirect: "manual" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toMatch(/^\/login\/wecom\?next=%2Ff%2F/);
    // The asker, through WeCom 网页授权: the form.
    const mine = await open(url, teacher);
    expect(mine.status).toBe(200);
    expect(mine.text).toContain("课题");
    // Another member of the same group (even the admin) signed in: refused, nothing shown.
    const other = await open(url, admin);
    expect(other.status).toBe(403);
    expect(other.text).toMatch(/只能由本人登录后使用/);
    expect(other.text).not.toContain("课题");
    // A submission with no session: 401 before the body is read, nothing recorded.
    const body = new FormData();
    body.set("kind", "示范课");
    body.set("date", "2026-11-20");
    const post = await fetch(url, { method: "POST", body });
    expect(post.status).toBe(401);
    expect(await direct.db.activity.count({ where: { community: { chats: { some: { chatId } } } } })).toBe(0);
  });

  it("is not posted in a group at all where the platform has no web sign-in; 1:1 it still is", async () => {
    const { chatId, admin } = await community();
    expect(await says(chatId, admin, "/表单", [])).toMatch(/群里不发这个链接[\s\S]*请与我单聊发送同一条命令/);
    expect(await says(chatId, admin, "/导入", [])).toMatch(/群里不发这个链接/);
    const dm = await says(admin, admin, "/表单", [], "direct");
    const url = linkIn(dm, "f");
    expect(url).not.toBe("");
    // A 1:1 link is the asker's alone to see: a short-lived bearer link, as before.
    expect((await fetch(url)).status).toBe(200);
  });
});

describe("a download link posted in a group", () => {
  it("opens for any signed-in admin or principal of the community, never for a teacher or someone signed out", async () => {
    const { chatId, admin } = await community();
    const principal = unique("wp");
    expect(await says(chatId, admin, "/成员 李校长 郝家也 校长 账号=" + principal)).toMatch(/已添加成员：李校长/);
    const teacher = unique("wt");
    await says(chatId, teacher, "/帮助");
    const reply = await says(chatId, admin, "/导出 台账");
    expect(reply).toMatch(/只有本共同体的管理员和校长登录后能打开/);
    const url = linkIn(reply, "d");
    const anon = await fetch(url, { redirect: "manual" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toMatch(/^\/login\/wecom\?next=%2Fd%2F/);
    const asPrincipal = await open(url, principal);
    expect(asPrincipal.status).toBe(200);
    expect(asPrincipal.type).toContain("spreadsheetml");
    const asTeacher = await open(url, teacher);
    expect(asTeacher.status).toBe(403);
    expect(asTeacher.text).toMatch(/只有该共同体的管理员和校长/);
    // The platform adapter fetches the file message's bytes itself, through a link never shown to anyone.
    const fileUrl = lastReplies.find((r) => r.file)?.file?.url ?? "";
    expect(fileUrl).not.toBe(url);
    expect(reply).not.toContain(fileUrl);
    const fetched = await fetch(fileUrl);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("content-type")).toContain("spreadsheetml");
    // An account of another community with the same role gets nothing either.
    const elsewhere = await community();
    expect((await open(url, elsewhere.admin)).status).toBe(403);
  });
});
