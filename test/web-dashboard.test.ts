/**
 * The signed-in pages over the real app (PostgreSQL, Redis, the simulator): sign-in, who may see
 * what, the dashboard's figures against /进度 for the same data, and malformed requests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, Chat, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";
import { WebClient } from "./support/web-session.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp({ FORM_SECRET: "d".repeat(40) });
});
afterAll(async () => app?.close());

/** The numbers a text or page states as "a / b" or "a/b", in order. */
const fractions = (s: string) => [...s.matchAll(/(\d+) ?\/ ?(\d+)/g)].map((m) => `${m[1]}/${m[2]}`);

async function communityWithRecords() {
  const g = await boundGroup(app);
  await g.says("/记录 示范课 11月10日 二小 郝家也 语文");
  await g.says("/记录 送教下乡 11月12日 二小到双庙 数学 10人");
  await g.says("/记录 听课 11月25日 郝家也 语文"); // planned: after TEST_NOW
  return g;
}

async function communityIdOf(g: Chat): Promise<number> {
  const chat = await app.db.chatGroup.findFirstOrThrow({ where: { platform: "sim", chatId: g.chatId } });
  return chat.communityId;
}

describe("signed-in pages", () => {
  it("a page without a session goes to sign-in and comes back to where it was asked for", async () => {
    const web = new WebClient(app);
    const res = await web.get("/community/1");
    expect(res.status).toBe(302);
    expect(res.location).toBe("/login?next=%2Fcommunity%2F1");
    const login = await web.get("/login?next=%2Fcommunity%2F1");
    expect(login.text).toContain('href="/login/sim?next=%2Fcommunity%2F1"');
  });

  it("the simulator's sign-in needs its CSRF token, works only from this machine directly, and never redirects off-site", async () => {
    const web = new WebClient(app);
    const page = await web.get("/login/sim");
    expect(page.status).toBe(200);
    expect((await web.postForm("/login/sim", { userId: "u1" })).status).toBe(403);
    expect((await web.get("/login/sim", { "x-forwarded-for": "203.0.113.9" })).status).toBe(403);
    const token = WebClient.csrfOf((await web.get("/login/sim")).text);
    expect((await web.postForm("/login/sim", { userId: "u1", _csrf: token }, { forwarded: "for=203.0.113.9" })).status).toBe(403);
    const ok = await web.postForm("/login/sim", { userId: unique("u"), next: "//evil.example/x", _csrf: token });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe("/");
    expect(web.cookieHeader).toMatch(/jl_session=/);
    const empty = await web.postForm("/login/sim", { userId: "  ", _csrf: WebClient.csrfOf((await web.get("/login/sim")).text) });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("请填写用户 ID");
  });

  it("a member's community page states the same figures as /进度 for the same data", async () => {
    const g = await communityWithRecords();
    const progress = await g.says("/进度 全部");
    const web = new WebClient(app);
    await web.signInAsSim(g.userId);
    const home = await web.get("/");
    const id = await communityIdOf(g);
    expect(home.location).toBe(`/community/${id}`);
    const page = await web.get(`/community/${id}`);
    expect(page.status).toBe(200);
    const standing = /共同体：(\d+) 项目标达成 (\d+) 项/.exec(progress)!;
    expect(page.text).toContain(`<div class="big">${standing[2]} / ${standing[1]}</div>`);
    // Each school's line in /进度 全部 ("还差 b 项，已达标 m 项") against the page's "m / (m+b)".
    for (const [, name, behind, met] of progress.matchAll(/【([^】]+)】还差 (\d+) 项，已达标 (\d+) 项/g)) {
      const row = new RegExp(`${name}</a>(?:（我校）)?</td>\\s*<td class="num">(\\d+) / (\\d+)</td>`).exec(page.text);
      expect(row, name).not.toBeNull();
      expect(`${row![1]}/${row![2]}`).toBe(`${met}/${Number(met) + Number(behind)}`);
    }
    expect(page.text).toContain("另有 1 项计划中的活动");
    // Every item's done/target in /进度 全部 appears on the page.
    for (const f of fractions(progress.split("\n").slice(2).join("\n"))) expect(fractions(page.text)).toContain(f);
  });

  it("a principal sees their own school first: its standing and what it lacks, then the community's", async () => {
    const g = await communityWithRecords();
    const principal = unique("p");
    expect(await g.says(`/成员 李校长 郝家也 校长 账号=${principal}`)).toMatch(/已添加成员：李校长/);
    const progress = await g.says("/进度 全部");
    const web = new WebClient(app);
    await web.signInAsSim(principal);
    const id = await communityIdOf(g);
    const page = (await web.get(`/community/${id}`)).text;
    const own = page.indexOf("我校：郝家也中心小学");
    expect(own).toBeGreaterThan(0);
    expect(own).toBeLessThan(page.indexOf("捆绑考核"));
    // The same figures as the school's line in /进度 全部 ("还差 b 项，已达标 m 项").
    const [, behind, met] = /【郝家也[^】]*】还差 (\d+) 项，已达标 (\d+) 项/.exec(progress)!;
    expect(page.slice(own, page.indexOf("捆绑考核"))).toContain(`<div class="big">${met} / ${Number(met) + Number(behind)}</div>`);
    // In the schools' table too, theirs is the first row.
    expect(/<tbody><tr class="mine"><td class="name"><a href="[^"]+">郝家也中心小学<\/a>（我校）/.test(page)).toBe(true);
    // Item tables name their columns in the order the cells come: figures before the direction.
    expect(page).toContain('<th scope="col">目标</th><th class="num" scope="col">完成 / 目标</th><th scope="col">状态</th><th scope="col">方向</th>');
    // The admin (no school) gets no such card.
    const admin = new WebClient(app);
    await admin.signInAsSim(g.userId);
    expect((await admin.get(`/community/${id}`)).text).not.toContain("我校：");
  });

  it("a school's page lists its records; user text is escaped", async () => {
    const g = await boundGroup(app);
    await g.says("/记录 示范课 11月10日 二小 郝家也 语文 《<script>alert(1)</script>》");
    const web = new WebClient(app);
    await web.signInAsSim(g.userId);
    const id = await communityIdOf(g);
    const school = await app.db.school.findFirstOrThrow({ where: { communityId: id, shortNames: { has: "郝家也" } } });
    const page = await web.get(`/community/${id}/school/${school.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("示范课");
    expect(page.text).not.toContain("<script>alert(1)</script>");
    expect(page.text).toContain("&lt;script&gt;");
  });

  it("nobody sees a community they are not in: another community's member, a stranger, a malformed id", async () => {
    const a = await communityWithRecords();
    const b = await boundGroup(app);
    const idA = await communityIdOf(a);
    const web = new WebClient(app);
    await web.signInAsSim(b.userId);
    for (const path of [`/community/${idA}`, `/community/${idA}/school/1`, "/community/abc", "/community/0", "/community/99999999999", "/district/1", "/district/x"]) {
      const res = await web.get(path);
      expect(res.status, path).toBe(404);
      expect(res.text, path).toContain("看不到这个页面");
    }
    const stranger = new WebClient(app);
    await stranger.signInAsSim(unique("nobody"));
    expect((await stranger.get("/")).text).toContain("这个账号还不是任何共同体的成员");
    expect((await stranger.get(`/community/${idA}`)).status).toBe(404);
  });

  it("a bureau admin sees every community of the district, sorted and filtered, and nothing outside it", async () => {
    const admin = new Chat(app, unique("dm"), unique("bureau"), "李科长");
    const district = unique("安川县教育局");
    const created = await admin.says(`/区县 创建 ${district}`, { chatType: "direct" });
    const code = /加入码：([A-Z0-9]{8})/.exec(created)![1]!;
    const busy = await communityWithRecords();
    const quiet = await boundGroup(app);
    const outside = await communityWithRecords();
    for (const g of [busy, quiet]) expect(await g.says(`/区县 绑定 ${district} ${code}`)).toMatch(/已加入/);
    const web = new WebClient(app);
    await web.signInAsSim(admin.userId);
    const home = await web.get("/");
    expect(home.status).toBe(302);
    const page = await web.get(home.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain(busy.community);
    expect(page.text).toContain(quiet.community);
    expect(page.text).not.toContain(outside.community);
    expect(page.text).toMatch(/<svg/);
    expect(page.text).toContain("下载区县台账");
    const filtered = await web.get(`${home.location}?q=${encodeURIComponent(busy.community)}`);
    expect(filtered.text).toContain(busy.community);
    expect(filtered.text).not.toContain(`>${quiet.community}<`);
    const sorted = await web.get(`${home.location}?sort=activities&dir=desc`);
    expect(sorted.text.indexOf(busy.community)).toBeLessThan(sorted.text.indexOf(quiet.community));
    const bad = await web.get(`${home.location}?sort=%27;drop&dir=sideways&status=<b>&q=${"x".repeat(500)}`);
    expect(bad.status).toBe(200);
    expect(bad.text).not.toContain("<b>");
    expect((await web.get(`/community/${await communityIdOf(busy)}`)).text).toContain("返回区县总览");
    expect((await web.get(`/community/${await communityIdOf(outside)}`)).status).toBe(404);
  });

  it("signing out needs the page's CSRF token and ends the session", async () => {
    const g = await boundGroup(app);
    const web = new WebClient(app);
    await web.signInAsSim(g.userId);
    const page = await web.get(`/community/${await communityIdOf(g)}`);
    expect((await web.postForm("/logout", {})).status).toBe(403);
    const out = await web.postForm("/logout", { _csrf: WebClient.csrfOf(page.text) });
    expect(out.status).toBe(303);
    expect((await web.get("/")).status).toBe(302);
  });
});

describe("correcting and confirming from the page", () => {
  async function recordOf(g: Chat, number: number) {
    return app.db.activity.findUniqueOrThrow({ where: { communityId_number: { communityId: await communityIdOf(g), number } } });
  }

  it("the admin corrects a record with /修改's own rules: bad values are shown per field and change nothing; a good one is recorded once and audited", async () => {
    const g = await boundGroup(app);
    await g.says("/记录 示范课 11月10日 二小 郝家也 语文 30人");
    const id = await communityIdOf(g);
    const web = new WebClient(app);
    await web.signInAsSim(g.userId);
    const page = await web.get(`/community/${id}/record/1`);
    expect(page.text).toContain("保存更正");
    const form = { _csrf: WebClient.csrfOf(page.text), j: /name="j" value="([^"]+)"/.exec(page.text)![1]! };
    expect((await web.postForm(`/community/${id}/record/1`, { ...form, headcount: "40" }, {})).status).toBe(200);
    expect((await recordOf(g, 1)).headcount).toBe(40);
    // The same submission again (a double tap): the pipeline runs it once.
    await web.postForm(`/community/${id}/record/1`, { ...form, headcount: "40" });
    expect(await app.db.auditLog.count({ where: { communityId: id, action: "update" } })).toBe(1);
    const bad = await web.postForm(`/community/${id}/record/1`, { _csrf: form._csrf, j: "x".repeat(20), headcount: "很多", date: "13月40日" });
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/人数/);
    expect((await recordOf(g, 1)).headcount).toBe(40);
    const empty = await web.postForm(`/community/${id}/record/1`, { _csrf: form._csrf, j: "y".repeat(20) });
    expect(empty.text).toContain("没有填写要更正的项");
    expect((await web.postForm(`/community/${id}/record/1`, { j: "z".repeat(20), headcount: "50" })).status).toBe(403);
    expect((await recordOf(g, 1)).headcount).toBe(40);
  });

  it("a teacher cannot correct another's record (no form, and a forged POST changes nothing) but may confirm it", async () => {
    const g = await boundGroup(app);
    await g.says("/记录 示范课 11月10日 二小 郝家也 语文 30人");
    const teacher = g.as(unique("t"), "李老师");
    await teacher.says("/帮助");
    const id = await communityIdOf(g);
    const web = new WebClient(app);
    await web.signInAsSim(teacher.userId);
    const page = await web.get(`/community/${id}/record/1`);
    expect(page.text).not.toContain("保存更正");
    const forged = await web.postForm(`/community/${id}/record/1`, { _csrf: WebClient.csrfOf(page.text), j: "f".repeat(20), headcount: "99" });
    expect(forged.status).toBe(403);
    expect((await recordOf(g, 1)).headcount).toBe(30);
    const done = await web.postForm(`/community/${id}/record/1/confirm`, { _csrf: WebClient.csrfOf(page.text), j: "c".repeat(20) });
    expect(done.text).toContain("已确认 #1");
    expect((await recordOf(g, 1)).confirmedAt).not.toBeNull();
    expect((await web.get(`/community/${id}/record/999`)).status).toBe(404);
    expect((await web.get(`/community/${id}/record/abc`)).status).toBe(404);
  });
});
