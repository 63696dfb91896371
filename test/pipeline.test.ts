import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, get, startTestApp } from "./support/harness.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe("the spine, through the simulator", () => {
  it("records an activity and reads it back", async () => {
    const g = await boundGroup(app);
    const reply = await g.says("/记录 示范课 2026-11-20 二小 参与=郝家也、双庙 语文 《分数的意义》 35人 备注=效果很好，大家满意");
    expect(reply).toMatch(/已记录 #1/);
    expect(reply).toContain("日期：2026-11-20");
    const [a] = await g.activities();
    expect(a).toMatchObject({
      id: 1,
      kind: "示范课",
      date: "2026-11-20",
      hostSchool: "清涧县第二小学",
      schools: ["郝家也中心小学", "双庙中心小学"],
      subject: "语文",
      title: "分数的意义",
      headcount: 35,
      recordedBy: "王主任",
      notes: "效果很好，大家满意",
    });
  });

  it("answers /healthz with both services up", async () => {
    const res = await get(app, "/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ redis: true, postgres: true });
  });
});
