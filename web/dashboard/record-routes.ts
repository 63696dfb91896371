/**
 * Correcting and confirming a record from the page. The page never writes the record itself: it
 * checks the fields with /修改's own schema and recognisers, then hands the pipeline one inbound
 * message from the signed-in account in the community's group on that platform (id
 * `web-<nonce>`, so a double submit runs once), exactly as if it had been typed there: the same
 * authorization, audit and reply (which the group sees too, as with the web form).
 */
import { orgOf } from "../../messages/orgs.ts";
import { schoolsOf } from "../../db/schools.ts";
import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { InboundSink } from "../../bot/adapter.ts";
import { editCommand } from "../../commands/activities/edit.ts";
import { fieldsOf } from "../../commands/core/fields.ts";
import type { Db } from "../../db/client.ts";
import { communityAccess } from "../../db/dashboard.ts";
import type { InboundResult } from "../../messages/queues.ts";
import { checkForm, type FormValues } from "../forms/validate.ts";
import { EDIT_FIELDS, recordBody, type RecordPageData } from "./record-view.ts";
import { toDay } from "../../core/dates.ts";

export interface RecordRouteDeps {
  db: Db;
  now: () => Date;
  sink: InboundSink;
  resultOf: (jobId: string, timeoutMs: number) => Promise<InboundResult | undefined>;
}

const params = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647), n: z.coerce.number().int().positive().max(2_147_483_647) });
const nonce = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const EDIT_WINDOW_MS = 7 * 24 * 3600 * 1000;
const RESULT_WAIT_MS = 10_000;
const editFields = () => fieldsOf(editCommand.args).filter((f) => (EDIT_FIELDS as readonly string[]).includes(f.name));

type Render = (req: FastifyRequest, reply: FastifyReply, status: number, title: string, body: string) => FastifyReply;

export function registerRecordRoutes(scope: FastifyInstance, deps: RecordRouteDeps, render: Render, notFound: (req: FastifyRequest, reply: FastifyReply) => FastifyReply): void {
  async function load(req: FastifyRequest) {
    const p = params.safeParse(req.params);
    if (!p.success) return undefined;
    const access = await communityAccess(deps.db, req.account!, p.data.id);
    // Correcting and confirming are a member's acts; a bureau inspector only reads.
    if (access?.as !== "member") return undefined;
    const [community, activity] = await Promise.all([
      deps.db.community.findUnique({ where: { id: p.data.id }, select: { id: true, name: true, timezone: true } }),
      deps.db.activity.findUnique({ where: { communityId_number: { communityId: p.data.id, number: p.data.n } } }),
    ]);
    if (!community || !activity || activity.revokedAt) return undefined;
    const canEdit = access.member.roles.includes("admin") || (activity.recorderId === access.member.memberId && deps.now().getTime() - activity.createdAt.getTime() <= EDIT_WINDOW_MS);
    return { community, activity, member: access.member, canEdit };
  }

  function page(l: NonNullable<Awaited<ReturnType<typeof load>>>, reply: FastifyReply, values: Record<string, string>, errors: Record<string, string>, outcome?: string[]): RecordPageData {
    const a = l.activity;
    const summary = [toDay(a.date), a.kind, a.subject, a.title && `《${a.title}》`, a.people.join("、") || null, a.headcount && `${a.headcount}人`, a.notes && `备注：${a.notes}`]
      .filter(Boolean)
      .join(" · ");
    return {
      communityId: l.community.id,
      communityName: l.community.name,
      number: a.number,
      summary,
      confirmed: a.confirmedAt !== null,
      values,
      fields: editFields(),
      canEdit: l.canEdit,
      nonce: randomBytes(18).toString("base64url"),
      csrf: reply.generateCsrf(),
      errors,
      ...(outcome ? { outcome } : {}),
    };
  }

  /** Runs one command as the signed-in member, in the community's group on their platform. */
  async function submit(req: FastifyRequest, l: NonNullable<Awaited<ReturnType<typeof load>>>, jobNonce: string, form: { command: string; args: Record<string, unknown> }): Promise<string[]> {
    const who = req.account!;
    // The replies go to a group of the member's own organisation: another's bot cannot post there (messages/orgs.ts).
    const groups = await deps.db.chatGroup.findMany({ where: { communityId: l.community.id, platform: who.platform }, orderBy: { id: "asc" }, select: { chatId: true } });
    const chat = groups.find((g) => orgOf(g.chatId) === orgOf(who.userId));
    if (!chat) return ["这个共同体还没有绑定你所在平台的群，请在群里发送命令。"];
    const { jobId } = await deps.sink({
      platform: who.platform,
      chatId: chat.chatId,
      chatType: "group",
      senderId: who.userId,
      senderName: l.member.displayName,
      text: `/${form.command}（网页）`,
      messageId: `web-${jobNonce}`,
      mentioned: true,
      receivedAt: deps.now().toISOString(),
      form,
    });
    const result = await deps.resultOf(jobId, RESULT_WAIT_MS);
    return result ? result.replies.map((r) => r.text) : ["已收到，正在处理。几秒后可在群里看到确认。"];
  }

  scope.get("/community/:id/record/:n", async (req, reply) => {
    const l = await load(req);
    if (!l) return notFound(req, reply);
    return render(req, reply, 200, `记录 #${l.activity.number}`, recordBody(page(l, reply, {}, {})));
  });

  scope.post("/community/:id/record/:n", { preHandler: scope.csrfProtection, logLevel: "error" }, async (req, reply) => {
    const l = await load(req);
    if (!l) return notFound(req, reply);
    const body = (req.body ?? {}) as FormValues;
    const values = Object.fromEntries(EDIT_FIELDS.map((k) => [k, typeof body[k] === "string" ? (body[k] as string).slice(0, 600) : ""]));
    const j = nonce.safeParse(body.j);
    if (!l.canEdit || !j.success) return render(req, reply, 403, "没有更正", recordBody(page(l, reply, values, {}, ["没有更正：只有登记人（7天内）或管理员可以更正；或页面已过期，请刷新后再试。"])));
    const schools = await schoolsOf(deps.db, l.community.id);
    const check = checkForm(editCommand.args, { ...values, number: String(l.activity.number) }, { now: deps.now(), zone: l.community.timezone, schools });
    if (!check.ok) return render(req, reply, 422, "没有更正", recordBody(page(l, reply, values, check.errors)));
    if (Object.keys(check.args).length <= 1) return render(req, reply, 422, "没有更正", recordBody(page(l, reply, values, {}, ["没有填写要更正的项。例如：人数填 40，再点「保存更正」。"])));
    const lines = await submit(req, l, j.data, { command: editCommand.name, args: { ...check.args, number: l.activity.number } });
    return render(req, reply, 200, `记录 #${l.activity.number}`, recordBody(page((await load(req)) ?? l, reply, {}, {}, lines)));
  });

  scope.post("/community/:id/record/:n/confirm", { preHandler: scope.csrfProtection, logLevel: "error" }, async (req, reply) => {
    const l = await load(req);
    if (!l) return notFound(req, reply);
    const j = nonce.safeParse(((req.body ?? {}) as FormValues).j);
    if (!j.success) return render(req, reply, 400, "没有确认", recordBody(page(l, reply, {}, {}, ["页面已过期，请刷新后再试。"])));
    const lines = await submit(req, l, j.data, { command: "确认", args: { number: l.activity.number } });
    return render(req, reply, 200, `记录 #${l.activity.number}`, recordBody(page((await load(req)) ?? l, reply, {}, {}, lines)));
  });
}
