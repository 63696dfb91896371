/**
 * GET /c/<token>: the community's progress chart as a PNG, rendered when the link is opened (one
 * ECharts SSR + resvg render, ~0.1 s CPU), so nothing is drawn for a chart nobody looks at. The
 * signed token names the community and the member who asked (none for a group's digest); both are
 * checked again here.
 */
import type { FastifyInstance } from "fastify";
import { chartRows } from "../../core/digest/chart-rows.ts";
import { todayIn } from "../../core/dates.ts";
import { computeProgress } from "../../core/progress.ts";
import { verifyLink } from "../../core/links/index.ts";
import { countingTermFor, termSettingOf } from "../../core/terms.ts";
import { loadProgressInput } from "../../db/progress-input.ts";
import type { DownloadDeps } from "../downloads/routes.ts";

/** Loaded on first use: echarts and resvg add seconds to every start-up (and so to crash recovery), and most processes never draw a chart. */
const chartModule = () => import("../../reports/progress-chart.ts");

/** Rendered charts by community and day, briefly: a digest's link opened by every principal renders once. */
const CACHE_MS = 10 * 60_000;
const CACHE_MAX = 200;

export function registerChartRoutes(app: FastifyInstance, deps: DownloadDeps): void {
  const cache = new Map<string, { png: Buffer; at: number }>();
  app.get<{ Params: { token: string } }>("/c/:token", async (req, reply) => {
    const check = verifyLink(deps.forms.secret, req.params.token, deps.now(), "c");
    if (!check.ok) {
      const expired = check.reason === "expired";
      return reply
        .code(expired ? 410 : 403)
        .type("text/plain; charset=utf-8")
        .send(expired ? "链接已过期，请重新发送 /进度 图。" : "链接无效，请重新发送 /进度 图。");
    }
    const t = check.payload;
    // A member's link: still a member of that community. A group's link (no member): the group sees the community's figures anyway.
    const member = t.m === undefined ? null : await deps.db.member.findUnique({ where: { id: t.m }, select: { communityId: true } });
    if (t.m !== undefined && member?.communityId !== t.c) return reply.code(403).type("text/plain; charset=utf-8").send("你已不是这个共同体的成员。");
    const c = await deps.db.community.findUnique({ where: { id: t.c } });
    if (!c) return reply.code(403).type("text/plain; charset=utf-8").send("这个共同体已不存在。");
    const today = todayIn(deps.now(), c.timezone);
    const term = countingTermFor(termSettingOf(c), today);
    const key = `${c.id}@${today}`;
    const nowMs = deps.now().getTime();
    const cached = cache.get(key);
    let png = cached && cached.at > nowMs - CACHE_MS ? cached.png : undefined;
    if (!png) {
      const report = computeProgress(await loadProgressInput(deps.db, c.id, term, today));
      const { MAX_CHART_ROWS, renderProgressChart } = await chartModule();
      png = renderProgressChart({ title: `${c.name} 本学期进度`, subtitle: `${term.name}，剩 ${report.weeksLeft} 周；完成 / 目标`, rows: chartRows(report, MAX_CHART_ROWS) });
      cache.delete(key);
      cache.set(key, { png, at: nowMs });
      if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
    }
    return reply.type("image/png").header("cache-control", "private, max-age=300").send(png);
  });
}
