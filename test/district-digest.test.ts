/**
 * The district's weekly digest through the real pipeline (PostgreSQL, BullMQ): Monday 08:30
 * Beijing, 1:1 to the bureau's admin, exactly its own communities, exactly once across re-runs,
 * skipped (not sent) when more than six hours late, and on demand with /区县 周报.
 * Dates are in May 2027, weeks no other test file ticks at.
 */
process.env.TZ = "UTC";
import { describe, expect, it } from "vitest";
import type { Producers } from "../messages/producers.ts";
import { runDistrictDigestWork } from "../workers/schedule/district-digest-work.ts";
import { boundGroup, Chat } from "./support/harness.ts";
import { unique } from "./support/env.ts";
import { scheduleTestApp } from "./support/schedule.ts";

const SATURDAY = new Date("2027-05-08T04:00:00Z"); // Saturday 12:00 in Beijing
const MONDAY = new Date("2027-05-10T00:30:00Z"); // Monday 08:30 in Beijing
let clock = SATURDAY;
const started = scheduleTestApp(() => clock, "district_digest");

const tick = (at: Date) => runDistrictDigestWork({ db: started.ticker.db, producers: started.ticker.producers, log: started.ticker.log, now: () => at }, at);

async function bureau(): Promise<{ chat: Chat; name: string; code: string }> {
  const chat = new Chat(started.app, unique("dm"), unique("u"), "刘科长");
  const name = unique("安川县教育局");
  const created = await chat.says(`/区县 创建 ${name}`, { chatType: "direct" });
  const code = /加入码：([A-Z0-9]{8})/.exec(created)?.[1] ?? "";
  expect(code).not.toBe("");
  return { chat, name, code };
}

describe("district weekly digest", () => {
  it("Monday 08:30 Beijing: the bureau's admin gets one digest of exactly its communities; re-runs send nothing more", async () => {
    clock = SATURDAY;
    const b = await bureau();
    const other = await bureau();
    const busy = await boundGroup(started.app);
    expect(await busy.says("/记录 示范课 5月6日 二小 参与=郝家也 语文")).toMatch(/已记录/);
    expect(await busy.says("/记录 听评课 5月4日 郝家也 数学")).toMatch(/已记录/);
    expect(await busy.says("/记录 集体备课 3月15日 双庙")).toMatch(/已记录/);
    const quiet = await boundGroup(started.app);
    expect(await quiet.says("/记录 专题讲座 4月1日 双庙")).toMatch(/已记录/);
    const elsewhere = await boundGroup(started.app);
    expect(await elsewhere.says("/记录 示范课 5月7日 二小")).toMatch(/已记录/);
    for (const g of [busy, quiet]) expect(await g.says(`/区县 绑定 ${b.name} ${b.code}`)).toMatch(/已加入/);
    expect(await elsewhere.says(`/区县 绑定 ${other.name} ${other.code}`)).toMatch(/已加入/);

    clock = MONDAY;
    await tick(MONDAY);
    const [digest, ...more] = await started.ticker.texts([b.chat.userId]);
    expect(more).toEqual([]);
    expect(digest).toContain(`📬 ${b.name} 区县周报（5月3日—5月9日）`);
    expect(digest).toContain("2027年春季学期：2 个共同体，上周活动 2 次（1 个共同体有活动），本学期累计 4 次。");
    expect(digest).toContain(`· ${busy.community} 2 次`);
    // 4月1日 is 39 days before Monday 5月10日.
    expect(digest).toContain(`💤 ${quiet.community}：已 39 天没有活动（最近 4月1日）`);
    expect(digest).not.toContain(elsewhere.community);
    expect(digest).toContain("2 个共同体未来两个月没有安排联席会议。");
    const [sent] = await started.ticker.sent([b.chat.userId]);
    expect(sent).toMatchObject({ platform: "sim", chatType: "direct" });

    // The other bureau's digest names only its own community.
    const [theirs] = await started.ticker.texts([other.chat.userId]);
    expect(theirs).toContain(elsewhere.community);
    expect(theirs).not.toContain(busy.community);

    // Another tick a minute later, and a second "worker" on the same ledger: nothing new.
    await tick(new Date(MONDAY.getTime() + 60_000));
    await tick(MONDAY);
    expect(await started.ticker.texts([b.chat.userId])).toHaveLength(1);

    // On demand: the same text; a community admin who is not the bureau's admin gets nothing of it.
    expect(await b.chat.says("/区县 周报", { chatType: "direct" })).toBe(digest);
    expect(await busy.says("/区县 周报")).toMatch(/还不是任何区县的管理员/);
  });

  it("two workers ticking at once, and a crash between claiming and queueing: the admin still gets it exactly once", async () => {
    clock = new Date("2027-05-29T04:00:00Z");
    const b = await bureau();
    const g = await boundGroup(started.app);
    expect(await g.says(`/区县 绑定 ${b.name} ${b.code}`)).toMatch(/已加入/);
    const at = new Date("2027-05-31T00:30:00Z"); // Monday 08:30 Beijing
    const ours = (args: Parameters<Producers["outbound"]["add"]>) => args[0].chatId === b.chat.userId;
    const crashing: Pick<Producers, "outbound"> = {
      outbound: {
        ...started.ticker.producers.outbound,
        add: async (...args: Parameters<Producers["outbound"]["add"]>) => {
          if (ours(args)) throw new Error("killed after the claim, before the queue");
          return started.ticker.producers.outbound.add(...args);
        },
      } as Producers["outbound"],
    };
    await runDistrictDigestWork({ db: started.ticker.db, producers: crashing, log: started.ticker.log, now: () => at }, at);
    expect(await started.ticker.texts([b.chat.userId])).toEqual([]);
    // Three ticks at once a minute later (concurrent queries on the pool): the claims dedupe, none sends twice.
    const later = new Date(at.getTime() + 60_000);
    await Promise.all([tick(later), tick(later), tick(later)]);
    // The due-work tick re-queues the claimed row whose send was never queued.
    await started.ticker.tick(new Date(at.getTime() + 3 * 60_000));
    await started.ticker.tick(new Date(at.getTime() + 4 * 60_000));
    expect(await started.ticker.texts([b.chat.userId])).toHaveLength(1);
    expect(await started.app.db.delivery.count({ where: { district: { name: b.name }, recipient: "*" } })).toBe(1);
  });

  it("more than six hours late (the bot was down): skipped once and logged, never sent", async () => {
    clock = new Date("2027-05-15T04:00:00Z");
    const b = await bureau();
    const g = await boundGroup(started.app);
    expect(await g.says(`/区县 绑定 ${b.name} ${b.code}`)).toMatch(/已加入/);
    const wednesday = new Date("2027-05-19T04:00:00Z"); // Monday 5月17日 08:30 was 51.5 hours ago
    await tick(wednesday);
    await tick(wednesday);
    expect(await started.ticker.texts([b.chat.userId])).toEqual([]);
    const skipped = await started.app.db.delivery.findMany({ where: { district: { name: b.name } } });
    expect(skipped.map((d) => [d.status, d.recipient, d.communityId])).toEqual([["skipped", "*", null]]);
    expect(started.ticker.logs.filter((l) => l.includes("district digest more than 6 hours overdue") && l.includes(`"districtId":${skipped[0]?.districtId}`))).toHaveLength(1);
  });

  it("late but within six hours: sent once, marked as a catch-up", async () => {
    clock = new Date("2027-05-22T04:00:00Z");
    const b = await bureau();
    const g = await boundGroup(started.app);
    expect(await g.says(`/区县 绑定 ${b.name} ${b.code}`)).toMatch(/已加入/);
    await tick(new Date("2027-05-24T04:00:00Z")); // 08:30 → 12:00 Beijing: 3.5 hours late
    const texts = await started.ticker.texts([b.chat.userId]);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^【补发】/);
    expect(texts[0]).toContain("1 个共同体，上周活动 0 次");
  });
});
