/**
 * /导入: bring in a ledger (台账) a community already kept. The admin uploads the file through a
 * signed page (/导入 gives the link); the bot answers with a preview (how many rows will be
 * recorded, which are refused and why); 确认 records them through the same checks as /记录,
 * each row under its own content key, so importing the same file again adds nothing; 撤销 takes
 * the whole import back as one batch. Every step is audited.
 */
import { z } from "zod";
import { readLedger } from "../../core/ledger/read.ts";
import { insertActivity } from "../../db/insert-activity.ts";
import type { Reply } from "../../messages/messages.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { audit, requireRole } from "../core/support.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";
import { importLinkReply } from "../links/import-link.ts";
import { checkRows, type CheckedRow } from "./ledger-rows.ts";

const ACTIONS = { 预览: "preview", 确认: "confirm", 撤销: "undo", preview: "preview", confirm: "confirm", undo: "undo" } as const;
const SHOWN_REFUSALS = 10;

async function ownImport(ctx: BoundContext, id: number | undefined) {
  if (id === undefined) throw new UserError("请写上导入编号，例如：/导入 确认 3");
  const found = await ctx.db.ledgerImport.findUnique({ where: { id } });
  if (!found || found.communityId !== ctx.community.id) throw new UserError(`没有编号为 ${id} 的导入。请重新发送 /导入 上传文件。`);
  return found;
}

async function checkedOf(ctx: BoundContext, file: { id: number; fileName: string; data: Uint8Array }): Promise<CheckedRow[]> {
  // Emptied past the message period (db/privacy/retention.ts) or when a person it named asked for deletion (db/privacy/erase.ts).
  if (file.data.length === 0) throw new UserError(`导入 ${file.id} 的文件已清除（过了保存期限，或有人申请删除个人信息）。要再导入，请重新发送 /导入 上传文件。`);
  const read = await readLedger(Buffer.from(file.data), file.fileName);
  if (!read.ok) throw new UserError(read.reason);
  return checkRows(ctx, read.rows);
}

const refusalLines = (refused: Extract<CheckedRow, { refused: string }>[]) => [
  ...refused.slice(0, SHOWN_REFUSALS).map((r) => `第${r.line}行：${r.refused}`),
  ...(refused.length > SHOWN_REFUSALS ? [`……另有 ${refused.length - SHOWN_REFUSALS} 行，改好后可再导入同一个文件（已导入的行不会重复）`] : []),
];

async function split(ctx: BoundContext, checked: CheckedRow[]) {
  const good = checked.filter((c): c is Extract<CheckedRow, { key: string }> => "key" in c);
  const refused = checked.filter((c): c is Extract<CheckedRow, { refused: string }> => "refused" in c);
  const existing = new Set((await ctx.db.activity.findMany({ where: { sourceMessageKey: { in: good.map((g) => g.key) } }, select: { sourceMessageKey: true } })).map((a) => a.sourceMessageKey));
  return { fresh: good.filter((g) => !existing.has(g.key)), already: good.filter((g) => existing.has(g.key)), refused };
}

async function preview(ctx: BoundContext, id: number | undefined): Promise<Reply[]> {
  const file = await ownImport(ctx, id);
  const { fresh, already, refused } = await split(ctx, await checkedOf(ctx, file));
  const lines = [
    `📥 导入 ${file.id}「${file.fileName}」预览：将记录 ${fresh.length} 条${already.length ? `，${already.length} 条已导入过（跳过）` : ""}${refused.length ? `，${refused.length} 行不能记录：` : "。"}`,
    ...refusalLines(refused),
    fresh.length ? `确认请发 /导入 确认 ${file.id}` : "没有要记录的行。",
  ];
  return [{ text: lines.join("\n"), ...(fresh.length ? { actions: [{ label: `确认导入 ${fresh.length} 条`, command: `/导入 确认 ${file.id}` }] } : {}) }];
}

async function confirm(ctx: BoundContext, id: number | undefined): Promise<Reply[]> {
  const file = await ownImport(ctx, id);
  if (file.revokedAt) throw new UserError(`导入 ${file.id} 已撤销。要重新导入，请再发送 /导入 上传文件。`);
  const { fresh, already, refused } = await split(ctx, await checkedOf(ctx, file));
  const made: { id: number; number: number }[] = [];
  for (const row of fresh) {
    const a = await insertActivity(ctx.sql, row.row).catch(async (e: unknown) => {
      // The same row recorded meanwhile (a second confirmation racing this one): skip it.
      if ((e as { code?: string }).code === "23505") return null;
      throw e;
    });
    if (a) made.push({ id: a.id, number: a.number });
  }
  await ctx.db.ledgerImport.update({ where: { id: file.id }, data: { confirmedAt: file.confirmedAt ?? ctx.now, activityIds: { push: made.map((m) => m.id) } } });
  await audit(ctx, "import", "ledger-import", file.id, null, { fileName: file.fileName, sha256: file.sha256, recorded: made.length, skipped: already.length, refused: refused.length });
  const range = made.length ? `（#${made[0]?.number}–#${made[made.length - 1]?.number}）` : "";
  const text = [
    `✅ 导入 ${file.id}：已记录 ${made.length} 条${range}${already.length ? `，${already.length} 条已有（跳过）` : ""}${refused.length ? `，${refused.length} 行未记录：` : "。"}`,
    ...refusalLines(refused),
    made.length ? `整批撤销可发 /导入 撤销 ${file.id}` : "",
  ].filter(Boolean);
  return [{ text: text.join("\n"), ...(made.length ? { actions: [{ label: "撤销这次导入", command: `/导入 撤销 ${file.id}` }] } : {}) }];
}

async function undo(ctx: BoundContext, id: number | undefined): Promise<string> {
  const file = await ownImport(ctx, id);
  if (file.revokedAt) return `导入 ${file.id} 已经撤销过了。`;
  const { count } = await ctx.db.activity.updateMany({ where: { id: { in: file.activityIds }, communityId: ctx.community.id, revokedAt: null }, data: { revokedAt: ctx.now } });
  await ctx.db.ledgerImport.update({ where: { id: file.id }, data: { revokedAt: ctx.now } });
  await audit(ctx, "revoke", "ledger-import", file.id, { activityIds: file.activityIds }, { revoked: count });
  return `↩️ 已撤销导入 ${file.id}：${count} 条记录不再计入进度（审计日志保留）。`;
}

export const importCommand = boundCommand({
  name: "导入",
  aliases: ["import"],
  summary: "导入已有的活动台账（Excel/CSV，管理员）：先预览，确认后记录，可整批撤销",
  examples: ["/导入", "/导入 确认 3", "/导入 撤销 3"],
  // A 2,000-row ledger outlasts an interactive transaction; each row is one idempotent insert
  // under its own key, so a retried confirmation records only the rows still missing.
  singleStatement: true,
  args: z.object({
    action: field(z.enum(["preview", "confirm", "undo"]).optional(), { label: "预览|确认|撤销", keys: [], token: "choice", choices: ACTIONS, placeholder: "确认|撤销" }),
    id: field(z.number().int().optional(), { label: "导入编号", keys: ["编号"], token: "int", placeholder: "编号" }),
  }),
  async run(ctx, { action, id }) {
    requireRole(ctx, ["admin"], "导入台账");
    if (!action) {
      if (id !== undefined) return preview(ctx, id);
      return [importLinkReply(ctx)];
    }
    if (action === "preview") return preview(ctx, id);
    if (action === "confirm") return confirm(ctx, id);
    return undo(ctx, id);
  },
});
