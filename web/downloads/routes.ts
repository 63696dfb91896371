/**
 * Exports behind signed links: GET /d/<token> builds the file when it is opened, after checking
 * again that whoever asked may still have it (an admin or principal of that community, or an
 * admin of that district). Workbooks are streamed; nothing is kept on disk.
 */
import { sendToSignIn, viewerOf } from "../auth/bound-link.ts";
import { PassThrough } from "node:stream";
import type { FastifyInstance, FastifyReply } from "fastify";
import { type DownloadLinkPayload, verifyLink } from "../../core/links/index.ts";
import { districtStandings } from "../../db/district-standing.ts";
import { loadLedger } from "../../db/ledger.ts";
import { progressForSchool, progressReportOf } from "../../db/progress-report.ts";
import { loadSummaryExtras } from "../../db/summary-input.ts";
import type { PhotoLink } from "../../reports/ledger-xlsx.ts";
import type { FormDeps } from "../forms/deps.ts";
import { messagePage } from "../forms/html.ts";
import { LEDGER_PHOTO_LINK_MS, photoBindingFor, photoUrl } from "../forms/photo-link.ts";

/** Loaded on first use: exceljs and docx add over a second to every start-up (and so to crash recovery), and exports are rare. */
const ledgerModule = () => import("../../reports/ledger-xlsx.ts");
const summaryModule = () => import("../../reports/summary-docx.ts");

export type DownloadDeps = Pick<FormDeps, "db" | "forms" | "now" | "log">;

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

const refuse = (reply: FastifyReply, status: number, lines: string[]) => reply.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(messagePage("无法下载", lines));

/** The Chinese name for browsers that read RFC 5987, an ASCII one with the right extension for the rest. */
const attachment = (name: string) => `attachment; filename="jiaolian${name.slice(name.lastIndexOf("."))}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export function registerDownloadRoutes(app: FastifyInstance, deps: DownloadDeps): void {
  /**
   * The 照片 cell of a ledger. A file asked for on a platform with web sign-in (`sp`) travels
   * further than its chat (forwarded, handed to an inspector), and its links last half a year: they
   * open only for a signed-in member of the community or admin of its district. Otherwise (the
   * simulator, a platform without sign-in) they stay bearer links.
   */
  const photoLinkFor =
    (sp: DownloadLinkPayload["sp"]): PhotoLink =>
    (communityId, files) =>
      files.length ? photoUrl(deps.forms, communityId, files, deps.now().getTime() + LEDGER_PHOTO_LINK_MS, photoBindingFor(sp)) : undefined;

  app.get<{ Params: { token: string } }>("/d/:token", async (req, reply) => {
    const check = verifyLink(deps.forms.secret, req.params.token, deps.now(), "d");
    if (!check.ok) return refuse(reply, check.reason === "expired" ? 410 : 403, check.reason === "expired" ? ["链接已过期，请重新发送 /导出。"] : ["链接无效，请重新发送 /导出。"]);
    const t = check.payload;
    const range = { from: t.f, to: t.t };
    const photoLink = photoLinkFor(t.sp);

    if (t.w === "district") {
      const admin = t.a === undefined ? null : await deps.db.districtAdmin.findUnique({ where: { id: t.a }, include: { district: true } });
      if (!admin || admin.districtId !== t.d) return refuse(reply, 403, ["你已不是这个区县的管理员。"]);
      const rows = await districtStandings(deps.db, admin.districtId, range, deps.now());
      const db = deps.db;
      async function* ledgers() {
        for (const r of rows) yield await loadLedger(db, r.id, range, { now: deps.now() });
      }
      const out = new PassThrough();
      const { writeDistrictLedger } = await ledgerModule();
      writeDistrictLedger(
        out,
        rows.map(({ name, ...r }) => ({ community: name, ...r })),
        ledgers(),
        photoLink,
      ).catch((err: Error) => {
        deps.log.error({ err: err.message, district: admin.districtId }, "district ledger failed");
        out.destroy(err);
      });
      return reply
        .type(XLSX)
        .header("content-disposition", attachment(`${admin.district.name}汇总台账${t.f}至${t.t}.xlsx`))
        .send(out);
    }

    // Posted in a group (si): whoever opens it signs in and must hold the role themselves; otherwise the asker must still hold it.
    let member: { id: number; communityId: number; roles: string[] } | null;
    if (t.si === 1) {
      const viewer = viewerOf(req, deps.forms, deps.now());
      if (!viewer) return sendToSignIn(req, reply, t.sp ?? "", "本共同体的管理员和校长");
      const identity =
        t.c === undefined
          ? null
          : await deps.db.platformIdentity.findUnique({ where: { communityId_platform_userId: { communityId: t.c, platform: viewer.platform, userId: viewer.userId } }, include: { member: true } });
      member = identity?.member ?? null;
    } else {
      member = t.m === undefined ? null : await deps.db.member.findUnique({ where: { id: t.m } });
    }
    if (!member || member.communityId !== t.c || !member.roles.some((r) => r === "admin" || r === "principal")) {
      return refuse(reply, 403, ["只有该共同体的管理员和校长可以下载。"]);
    }
    const ledger = await loadLedger(deps.db, member.communityId, range, { ...(t.s !== undefined ? { schoolId: t.s } : {}), withAudit: member.roles.includes("admin") && t.p === 1, now: deps.now() });
    const school = t.s === undefined ? "" : (ledger.schools.find((s) => s.id === t.s)?.fullName ?? "");
    const whole = await progressReportOf(deps.db, member.communityId, deps.now(), t.t);
    const progress = t.s === undefined ? whole : progressForSchool(whole, t.s);
    if (t.w === "summary") {
      const extras = await loadSummaryExtras(deps.db, ledger.community, deps.now(), progress.term.end);
      const { summaryDocx } = await summaryModule();
      const file = await summaryDocx({ ...ledger, ...extras, termName: t.n ?? `${t.f}至${t.t}`, range, today: progress.today, progress });
      return reply
        .type(DOCX)
        .header("content-disposition", attachment(`${ledger.community.name}${school}工作总结.docx`))
        .send(file);
    }
    const out = new PassThrough();
    const { writeLedger } = await ledgerModule();
    writeLedger(out, ledger, photoLink, progress).catch((err: Error) => {
      deps.log.error({ err: err.message, community: ledger.community.id }, "ledger failed");
      out.destroy(err);
    });
    return reply
      .type(XLSX)
      .header("content-disposition", attachment(`${ledger.community.name}${school}活动台账${t.f}至${t.t}.xlsx`))
      .send(out);
  });
}
