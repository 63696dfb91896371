/**
 * /进度 图 through the simulator: the reply carries an image (a signed link to GET /c/<token>,
 * rendered when opened) and names the URL in its text for platforms that show text only. The PNG
 * decodes to the expected size and is kept as a test artifact to look at; a tampered or other
 * community's link is refused.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { CHART_WIDTH, chartHeight } from "../reports/progress-chart.ts";
import { boundGroup, post, startTestApp } from "./support/harness.ts";
import { decodePng } from "./support/png.ts";

const ARTIFACTS = join(import.meta.dirname, "artifacts");
let app: App;
beforeAll(async () => {
  app = await startTestApp({ FORM_SECRET: "c".repeat(40) });
});
afterAll(async () => app?.close());

describe("/进度 图", () => {
  it("answers with the chart as an image and as a link; the PNG decodes, has the expected size, is kept", async () => {
    const g = await boundGroup(app);
    await g.says("/记录 示范课 11.20 郝家也 语文");
    const res = await post(app, "/sim/messages", { chatId: g.chatId, userId: g.userId, userName: g.userName, text: "/进度 图" });
    const reply = (res.body.replies as { text: string; image?: { url: string; alt: string } }[])[0]!;
    expect(reply.image?.alt).toMatch(/本学期进度图/);
    expect(reply.text).toContain(reply.image!.url);
    const png = await fetch(reply.image!.url);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await png.arrayBuffer());
    const { width, height } = decodePng(bytes);
    expect(width).toBe(CHART_WIDTH);
    // The default template: more behind items than fit, so the chart is capped.
    expect(height).toBeGreaterThanOrEqual(chartHeight(1));
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, "progress-chart-link.png"), bytes);

    const [base, token] = reply.image!.url.split("/c/") as [string, string];
    const [body, sig] = token.split(".") as [string, string];
    const payload = JSON.parse(Buffer.from(body, "base64url").toString());
    const forged = `${base}/c/${Buffer.from(JSON.stringify({ ...payload, c: payload.c + 1 })).toString("base64url")}.${sig}`;
    expect((await fetch(forged)).status).toBe(403);
    expect((await fetch(`${reply.image!.url}x`)).status).toBe(403);
  });
});
