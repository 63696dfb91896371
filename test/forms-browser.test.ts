/**
 * The form in a real browser (Debian's Chromium driven by playwright-core) at a phone's size,
 * the way a teacher opens it from the group: fill, submit, see it recorded once; errors inline.
 * Screenshots are kept in test/artifacts/ to be looked at.
 */
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { ensureTool } from "./support/tools.ts";
import { boundGroup, get, startTestApp } from "./support/harness.ts";

const ARTIFACTS = join(import.meta.dirname, "artifacts");
// WeCom's in-app browser on Android identifies itself like this (wxwork); the page must not care.
const WECOM_UA =
  "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh ColorScheme/Light";
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082", "hex");

let app: App;
let browser: Browser;

beforeAll(async () => {
  const executablePath = ensureTool("chromium");
  await mkdir(ARTIFACTS, { recursive: true });
  app = await startTestApp({ FORM_SECRET: "y".repeat(40), PHOTO_DIR: await mkdtemp(join(tmpdir(), "jl-photos-")) });
  // These machines are offline: no sandbox as root, and nothing that phones home.
  browser = await chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  // An apt-get install on a fresh machine takes minutes; afterwards this hook takes a second.
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function phone(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: WECOM_UA, locale: "zh-CN" });
  return context.newPage();
}

const linkIn = (text: string) => /https?:\/\/\S+\/f\/[A-Za-z0-9_.-]+/.exec(text)?.[0] ?? "";

describe("the form on a phone", () => {
  it("is filled and submitted once, and the confirmation reaches the group", async () => {
    const g = await boundGroup(app);
    const page = await phone();
    await page.goto(linkIn(await g.says("/表单")));
    // Large touch targets and labels for every control.
    const button = await page.getByRole("button", { name: "提交" }).boundingBox();
    expect(button?.height).toBeGreaterThanOrEqual(44);
    expect(button?.width).toBeGreaterThan(300);
    await page.getByLabel("类型").selectOption("示范课");
    await page.getByLabel("主办校").selectOption("清涧县第二小学");
    await page.getByLabel("郝家也中心小学").check();
    await page.getByLabel("学科").selectOption("数学");
    await page.getByLabel("课题").fill("分数的意义");
    await page.getByLabel("人数").fill("32");
    await page.getByLabel("主讲").fill("张老师、李老师");
    await page.setInputFiles("#f-photos", { name: "课堂.png", mimeType: "image/png", buffer: PNG });
    await page.getByLabel("照片中如有学生，已取得监护人同意").check();
    await page.screenshot({ path: join(ARTIFACTS, "form.png"), fullPage: true });
    // A double tap sends the form twice: still one record.
    await page.getByRole("button", { name: "提交" }).dblclick();
    await page.getByText("已记录 #1").waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "form-done.png"), fullPage: true });
    expect(await page.locator("img").count()).toBe(1);

    expect(await g.activities()).toMatchObject([{ kind: "示范课", subject: "数学", title: "分数的意义", headcount: 32, schools: ["郝家也中心小学"] }]);
    await expect.poll(async () => (await get<{ messages: { text: string }[] }>(app, `/sim/outbox?chatId=${g.chatId}`)).body.messages.map((m) => m.text)).toEqual([expect.stringMatching(/已记录 #1/)]);
    await page.context().close();
  });

  it("shows each mistake next to its field and keeps what was typed", async () => {
    const g = await boundGroup(app);
    const page = await phone();
    await page.goto(linkIn(await g.says("/记录")));
    await page.getByLabel("课题").fill("保留我");
    await page.getByLabel("人数").fill("0");
    await page.getByRole("button", { name: "提交" }).click();
    await page.locator(".field.bad").first().waitFor();
    expect(await page.locator('[data-field="kind"] .error').textContent()).toBe("请填写类型");
    expect(await page.locator('[data-field="headcount"] .error').textContent()).toContain("人数至少1人");
    expect(await page.getByLabel("课题").inputValue()).toBe("保留我");
    await page.screenshot({ path: join(ARTIFACTS, "form-error.png"), fullPage: true });
    expect(await g.activities()).toHaveLength(0);
    await page.context().close();
  });

  it("a changed link shows a clear page", async () => {
    const g = await boundGroup(app);
    const page = await phone();
    const res = await page.goto(`${linkIn(await g.says("/表单"))}x`);
    expect(res?.status()).toBe(403);
    expect(await page.locator("h1").textContent()).toBe("链接无效");
    await page.context().close();
  });
});
