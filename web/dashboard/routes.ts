/**
 * The signed-in pages: / (my communities), /community/:id, /community/:id/school/:sid and
 * /district/:id. Every route in this scope needs a session; access to a community or district is
 * decided per request from the signed-in platform account (db/dashboard.ts), so a role taken away
 * in chat is gone on the next page.
 */
import { accountLabel } from "../../messages/orgs.ts";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { FormSettings } from "../../commands/core/types.ts";
import { downloadLink } from "../../commands/links/index.ts";
import type { Logger } from "../../config/logger.ts";
import type { Db } from "../../db/client.ts";
import { communityAccess, districtsOf, isDistrictAdmin, membershipsOf } from "../../db/dashboard.ts";
import { signedIn, type SessionKeys, type SignedIn } from "../auth/session.ts";
import { communityBody } from "./community-view.ts";
import { DISTRICT_SORTS, districtBody, sortDistrictRows, type DistrictSort } from "./district-view.ts";
import { homeBody } from "./home-view.ts";
import { dashboardPage } from "./layout.ts";
import { loadCommunityPage, loadDistrictPage, loadSchoolPage } from "./load.ts";
import { schoolBody } from "./school-view.ts";
import { photoBindingFor } from "../forms/photo-link.ts";
import { registerRecordRoutes, type RecordRouteDeps } from "./record-routes.ts";

export interface DashboardDeps extends RecordRouteDeps {
  db: Db;
  forms: FormSettings;
  keys: SessionKeys;
  now: () => Date;
  log: Logger;
}

declare module "fastify" {
  interface FastifyRequest {
    account?: SignedIn;
  }
}

const id = z.coerce.number().int().positive().max(2_147_483_647);
const communityParams = z.object({ id });
const schoolParams = z.object({ id, sid: id });
const districtQuery = z.object({
  sort: z.enum(DISTRICT_SORTS as [DistrictSort, ...DistrictSort[]]).catch("status"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  q: z.string().max(50).catch(""),
  status: z.enum(["", "ok", "behind", "idle", "met"]).catch(""),
});

const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(body);
const who = (a: SignedIn) => `已登录：${a.platform === "wecom" ? "企业微信" : a.platform === "dingtalk" ? "钉钉" : "模拟器"} ${accountLabel(a.userId)}`;

export async function registerDashboardRoutes(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  await app.register(async (scope) => {
    // The guard sits inside this scope, so it runs for exactly the routes the router matched here.
    scope.addHook("preHandler", async (req: FastifyRequest, reply: FastifyReply) => {
      const account = signedIn(req, deps.keys, deps.now());
      if (!account) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 302);
      req.account = account;
    });
    const render = (req: FastifyRequest, reply: FastifyReply, status: number, title: string, body: string) => html(reply, status, dashboardPage(title, body, reply.generateCsrf(), who(req.account!)));
    const notFound = (req: FastifyRequest, reply: FastifyReply) =>
      render(
        req,
        reply,
        404,
        "看不到这个页面",
        '<h1>看不到这个页面</h1><div class="card">没有这个页面，或你的账号不是这个共同体的成员、也不是它所在区县的管理员。<p><a href="/">回到我的共同体</a></p></div>',
      );

    scope.get("/", async (req, reply) => {
      const a = req.account!;
      const [memberships, districts] = await Promise.all([membershipsOf(deps.db, a), districtsOf(deps.db, a)]);
      if (memberships.length === 1 && districts.length === 0) return reply.redirect(`/community/${memberships[0]!.communityId}`, 302);
      if (memberships.length === 0 && districts.length === 1) return reply.redirect(`/district/${districts[0]!.id}`, 302);
      return render(req, reply, 200, "我的共同体", homeBody(memberships, districts));
    });

    scope.get("/community/:id", async (req, reply) => {
      const p = communityParams.safeParse(req.params);
      if (!p.success) return notFound(req, reply);
      const access = await communityAccess(deps.db, req.account!, p.data.id);
      if (!access) return notFound(req, reply);
      // A member's own school comes first (a principal reads their school before the others).
      const data = await loadCommunityPage(deps.db, p.data.id, access.as === "member" ? access.member.schoolId : null, deps.now());
      if (!data) return notFound(req, reply);
      if (access.as === "district") data.districtId = access.districtId;
      return render(req, reply, 200, data.name, communityBody(data));
    });

    scope.get("/community/:id/school/:sid", async (req, reply) => {
      const p = schoolParams.safeParse(req.params);
      if (!p.success) return notFound(req, reply);
      if (!(await communityAccess(deps.db, req.account!, p.data.id))) return notFound(req, reply);
      const data = await loadSchoolPage(deps.db, deps.forms, p.data.id, p.data.sid, deps.now(), req.account!.platform);
      if (!data) return notFound(req, reply);
      return render(req, reply, 200, data.standing.school.fullName, schoolBody(data));
    });

    registerRecordRoutes(scope, deps, render, notFound);

    scope.get("/district/:id", async (req, reply) => {
      const p = communityParams.safeParse(req.params);
      if (!p.success || !(await isDistrictAdmin(deps.db, req.account!, p.data.id))) return notFound(req, reply);
      const q = districtQuery.parse(req.query ?? {});
      const data = await loadDistrictPage(deps.db, p.data.id, deps.now());
      if (!data) return notFound(req, reply);
      const needle = q.q.trim();
      const filtered = data.rows.filter((r) => (!needle || r.name.includes(needle)) && (!q.status || r.status === q.status));
      const admin = await deps.db.districtAdmin.findFirst({ where: { districtId: p.data.id, platform: req.account!.platform, userId: req.account!.userId }, select: { id: true } });
      const workbook = admin
        ? downloadLink(deps.forms, { w: "district", d: p.data.id, a: admin.id, n: data.term.name, f: data.term.start, t: data.term.end, ...photoBindingFor(req.account!.platform) }, deps.now()).url
        : null;
      return render(
        req,
        reply,
        200,
        data.name,
        districtBody({
          id: p.data.id,
          name: data.name,
          termName: data.term.name,
          today: data.today,
          rows: data.rows,
          shownRows: sortDistrictRows(filtered, q.sort, q.dir === "desc"),
          sort: q.sort,
          desc: q.dir === "desc",
          q: needle,
          status: q.status,
          chartSvg: data.chartSvg,
          workbookUrl: workbook,
        }),
      );
    });
  });
}
