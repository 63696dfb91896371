/**
 * Issue 25, deliverable 1, through the real pipeline: an admin gets an upload link with /导入,
 * uploads a messy ledger, sees a preview (how many rows, which refused and why), confirms, and
 * the rows are recorded by /记录's own checks; the same file again adds nothing; the import is
 * audited and undone as one batch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";
import { messyLedger } from "./support/ledgers.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp({ FORM_SECRET: "i".repeat(40) });
});
afterAll(async () => app?.close());

const linkIn = (text: string) => /https?:\/\/\S+\/i\/[A-Za-z0-9_.-]+/.exec(text)?.[0] ?? "";
const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"');

async function upload(url: string, data: Buffer, name = "台账.xlsx") {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(data)]), name);
  const res = await fetch(url, { method: "POST", body: form });
  return { status: res.status, body: await res.text() };
}

describe("/导入 a ledger", () => {
  it("previews, records on confirmation, adds nothing the second time, and undoes the batch", async () => {
    const g = await boundGroup(app);
    const reply = await g.says("/导入");
    const url = linkIn(reply);
    expect(reply).toMatch(/上传已有的活动台账/);
    expect((await fetch(url)).status).toBe(200);

    const file = await messyLedger();
    const preview = await upload(url, file);
    expect(preview.status).toBe(200);
    const shown = text(preview.body);
    expect(shown).toMatch(/预览：将记录 6 条，3 行不能记录：/);
    expect(shown).toContain("第9行：「类型」填的「拔河比赛」没看懂");
    expect(shown).toContain("第10行：「主办校」填的「火星小学」没看懂");
    expect(shown).toContain("第12行：缺少「类型」");
    expect(await g.activities()).toHaveLength(0); // a preview records nothing

    const confirmAt = /action="([^"]+)"/.exec(preview.body)?.[1] ?? "";
    const done = await fetch(new URL(confirmAt, url), { method: "POST" });
    expect(text(await done.text())).toMatch(/已记录 6 条（#1–#6），3 行未记录/);
    const stored = await g.activities();
    expect(stored).toHaveLength(6);
    expect(stored.filter((a) => a.kind === "听评课")).toHaveLength(2); // two identical rows are two lessons
    expect(stored.find((a) => a.kind === "示范课" && a.headcount === 35)).toMatchObject({ date: "2026-09-18", hostSchool: "郝家也中心小学", subject: "语文", title: "秋天的雨", people: ["张老师"] });
    expect(stored.find((a) => a.kind === "联席会议")).toMatchObject({ date: "2026-10-25", schools: ["郝家也中心小学", "双庙中心小学"] });

    // The same file again: everything already there.
    const again = text((await upload(url, file, "台账（副本）.xlsx")).body);
    expect(again).toMatch(/将记录 0 条，6 条已导入过（跳过），3 行不能记录/);
    expect(again).toContain("没有要记录的行");
    expect(await g.says("/导入 确认 2".replace("2", String(Number(/导入 (\d+)/.exec(again)?.[1]))))).toMatch(/已记录 0 条，6 条已有（跳过）/);
    expect(await g.activities()).toHaveLength(6);

    const firstId = /导入 (\d+)/.exec(text(preview.body))?.[1];
    expect(await g.says(`/导入 撤销 ${firstId}`)).toBe(`↩️ 已撤销导入 ${firstId}：6 条记录不再计入进度（审计日志保留）。`);
    expect(await g.says("/列表")).toMatch(/还没有记录|共 0 条/);
    const community = await app.db.community.findUniqueOrThrow({ where: { name: g.community } });
    const log = await app.db.auditLog.findMany({ where: { communityId: community.id, entity: "ledger-import" }, orderBy: { id: "asc" } });
    expect(log.map((l) => l.action)).toEqual(["import", "import", "revoke"]);
    expect(log[0]?.after).toMatchObject({ recorded: 6, refused: 3, fileName: "台账.xlsx" });
    expect(await app.db.auditLog.count({ where: { communityId: community.id, entity: "activity", action: "create" } })).toBe(6);
  });

  it("refuses what is not a ledger, other people, and numbers that are not this community's", async () => {
    const g = await boundGroup(app);
    const url = linkIn(await g.says("/导入"));
    const notSheet = await upload(url, Buffer.from("hello"), "照片.jpg");
    expect(notSheet.status).toBe(422);
    expect(text(notSheet.body)).toMatch(/读不出来：请上传 Excel（.xlsx）或 CSV/);
    expect((await fetch(url.replace(/.$/, (c) => (c === "A" ? "B" : "A")))).status).toBe(403);
    expect(await g.says("/导入 确认 999999")).toMatch(/^没有编号为 999999 的导入/);
    expect(await g.says("/导入 确认")).toMatch(/^请写上导入编号，例如：\/导入 确认 3/);
    expect(await g.as(unique("u"), "路人").says("/导入")).toMatch(/^只有管理员可以导入台账/);
    // Another community's import number is not found here.
    const other = await boundGroup(app);
    const otherPreview = text((await upload(linkIn(await other.says("/导入")), await messyLedger())).body);
    const otherId = /导入 (\d+)/.exec(otherPreview)?.[1];
    expect(await g.says(`/导入 确认 ${otherId}`)).toMatch(new RegExp(`^没有编号为 ${otherId} 的导入`));
    expect(await g.activities()).toHaveLength(0);
  });
});
