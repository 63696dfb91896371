/**
 * Signing in through each platform's own flow (the loopback fakes of WeCom 网页授权 and DingTalk
 * OAuth, test/fakes/web-login.ts) in a real Chromium, then the dashboard at a phone's and a
 * desktop's size. Screenshots go to test/artifacts/ to be looked at.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { FakeWebLogin } from "./fakes/web-login.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";
import { ensureTool } from "./support/tools.ts";
import { unique } from "./support/env.ts";

const ARTIFACTS = join(import.meta.dirname, "artifacts");
const WECOM = { corpId: "wwfakecorp", secret: "wecom-app-secret-for-tests", agentId: 1000002 };
const DINGTALK = { clientId: "dingfakeclient", clientSecret: "dingtalk-secret-for-tests" };

let app: App;
let fake: FakeWebLogin;
let browser: Browser;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  fake = await new FakeWebLogin({ wecom: WECOM, dingtalk: DINGTALK }).start();
  app = await startTestApp({
    FORM_SECRET: "w".repeat(40),
    SIMULATOR: "true",
    WECOM_CORP_ID: WECOM.corpId,
    WECOM_APP_SECRET: WECOM.secret,
    WECOM_AGENT_ID: String(WECOM.agentId),
    WECOM_APP_TOKEN: "callbacktoken",
    WECOM_APP_AES_KEY: "a".repeat(43),
    WECOM_API_BASE: fake.url,
    WECOM_OAUTH_BASE: fake.url,
    DINGTALK_CLIENT_ID: DINGTALK.clientId,
    DINGTALK_CLIENT_SECRET: DINGTALK.clientSecret,
    DINGTALK_MODE: "http",
    DINGTALK_API_BASE: fake.url,
    DINGTALK_OAPI_BASE: fake.url,
    DINGTALK_LOGIN_BASE: fake.url,
  });
  // The app's 可信域名: its address is known only once it listens.
  fake.wecomTrustedHost = new URL(app.url).host;
  browser = await chromium.launch({
    executablePath: ensureTool("chromium"),
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fake?.close();
});

const phone = () => browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "zh-CN" });
const desktop = () => browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });

/** A community with records whose member `userId` on `platform` is its admin (the account the bot would see). */
async function communityFor(platform: "wecom" | "dingtalk", userId: string) {
  const g = await boundGroup(app);
  await g.says("/记录 示范课 11月10日 二小 郝家也 语文 《分数的意义》");
  await g.says("/记录 送教下乡 11月12日 二小到双庙 数学 10人");
  const chat = await app.db.chatGroup.findFirstOrThrow({ where: { platform: "sim", chatId: g.chatId } });
  const admin = await app.db.member.findFirstOrThrow({ where: { communityId: chat.communityId } });
  await app.db.platformIdentity.create({ data: { memberId: admin.id, communityId: chat.communityId, platform, userId } });
  return { g, communityId: chat.communityId };
}

async function standingOf(context: BrowserContext, start: string) {
  const page = await context.newPage();
  await page.goto(`${app.url}${start}`);
  // A redirect keeps the authorize URL's #wechat_redirect fragment (browsers carry it over), so allow one.
  await page.waitForURL(/\/community\/\d+(#.*)?$/);
  return page;
}

// A browser, two platforms' fakes and the app on two shared cores: minutes, not the default 30 s, under load.
const SLOW = { timeout: 120_000 };

describe("platform sign-in in a browser", () => {
  it("WeCom: 网页授权 signs the member in and shows their community, on a phone and a desktop", SLOW, async () => {
    const userId = unique("wx");
    const { g, communityId } = await communityFor("wecom", userId);
    fake.wecomUser = userId;
    const progress = await g.says("/进度");
    const standing = /共同体：(\d+) 项目标达成 (\d+) 项/.exec(progress)!;
    for (const [size, context] of [
      ["390", await phone()],
      ["1280", await desktop()],
    ] as const) {
      const page = await standingOf(context, "/login/wecom?next=/");
      expect(page.url().replace(/#.*$/, "")).toBe(`${app.url}/community/${communityId}`);
      await expect(page.locator(".big").first().textContent()).resolves.toBe(`${standing[2]} / ${standing[1]}`);
      await expect(page.getByRole("heading", { name: "各校进度" }).isVisible()).resolves.toBe(true);
      // Nothing wider than the screen but the tables' own scrolling boxes.
      const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, `dashboard-wecom-${size}.png`), fullPage: true });
      await context.close();
    }
    expect(fake.calls).toContain("GET /cgi-bin/auth/getuserinfo");
  });

  it("WeCom: someone outside the organisation, a replayed code and a forged state are refused", SLOW, async () => {
    fake.wecomUser = { outsider: "o-stranger" };
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${app.url}/login/wecom?next=/`);
    await expect(page.locator("body").textContent()).resolves.toContain("只有本企业的成员可以登录");
    const forged = await context.newPage();
    const res = await forged.goto(`${app.url}/login/wecom/callback?code=abc&state=forged`);
    expect(res?.status()).toBe(403);
    await expect(forged.locator("body").textContent()).resolves.toContain("登录已过期或不是从本页面发起的");
    await context.close();
  });

  it("DingTalk: OAuth signs the member in through unionId → userid; an account outside the organisation is refused", SLOW, async () => {
    const userid = unique("dd");
    const { communityId } = await communityFor("dingtalk", userid);
    fake.dingtalkUser = { unionId: unique("union"), userid };
    const context = await desktop();
    const page = await standingOf(context, "/login/dingtalk?next=/");
    expect(page.url().replace(/#.*$/, "")).toBe(`${app.url}/community/${communityId}`);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-dingtalk-1280.png"), fullPage: true });
    await context.close();
    fake.dingtalkUser = { unionId: unique("union") };
    const other = await phone();
    const refused = await other.newPage();
    await refused.goto(`${app.url}/login/dingtalk?next=/`);
    await expect(refused.locator("body").textContent()).resolves.toContain("只有本组织的成员可以登录");
    await other.close();
  });

  it("WeCom: a bureau admin lands on the district's page, on a phone and a desktop: lights, filter, chart, a link to each community", SLOW, async () => {
    const userId = unique("wb");
    const district = await app.db.district.create({ data: { name: `${unique("县")}教育局`, joinCode: unique("J").slice(0, 8).toUpperCase() } });
    await app.db.districtAdmin.create({ data: { districtId: district.id, platform: "wecom", userId, displayName: "李科长" } });
    // Two communities join; a third (not joined) must not show.
    const ids = [(await communityFor("wecom", unique("wx"))).communityId, (await communityFor("wecom", unique("wx"))).communityId];
    await communityFor("wecom", unique("wx"));
    await app.db.community.updateMany({ where: { id: { in: ids } }, data: { districtId: district.id } });
    fake.wecomUser = userId;
    for (const [size, context] of [
      ["390", await phone()],
      ["1280", await desktop()],
    ] as const) {
      const page = await context.newPage();
      await page.goto(`${app.url}/login/wecom?next=/`);
      await page.waitForURL(/\/district\/\d+(#.*)?$/);
      await expect(page.locator("tbody tr").count()).resolves.toBe(2);
      await expect(page.locator('tbody a[href^="/community/"]').count()).resolves.toBe(2);
      await expect(page.getByLabel("状态").isVisible()).resolves.toBe(true);
      await expect(page.locator(".chart svg").count()).resolves.toBe(1);
      await expect(page.getByRole("link", { name: "下载区县台账" }).isVisible()).resolves.toBe(true);
      const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, `district-wecom-${size}.png`), fullPage: true });
      await context.close();
    }
  });

  it("the keyboard reaches every link and the sign-out button; every table header is a column header", SLOW, async () => {
    const userId = unique("wx");
    await communityFor("wecom", userId);
    fake.wecomUser = userId;
    const context = await desktop();
    const page = await standingOf(context, "/login/wecom?next=/");
    const focusable = await page.evaluate<number>('[...document.querySelectorAll("a,button")].filter((e) => e.tabIndex >= 0).length');
    expect(focusable).toBeGreaterThan(3);
    const headers = await page.evaluate<boolean>('[...document.querySelectorAll("th")].every((th) => th.getAttribute("scope") === "col")');
    expect(headers).toBe(true);
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.waitForURL(/\/login$/);
    await context.close();
  });
});
