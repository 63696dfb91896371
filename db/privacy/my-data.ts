/**
 * Everything the bot keeps about one platform account (PIPL 第45条), as one JSON document with
 * Chinese keys: per community the member row, its identities, the records it made or confirmed
 * or is named in, pairs, attendance, action items, its audit entries, stored messages, pending
 * questions, link codes, the pushes addressed to it and the ledgers it uploaded; district-admin
 * roles and wrong /关联 codes.
 */
import type { Db } from "../client.ts";

const day = (d: Date | null) => d?.toISOString().slice(0, 10) ?? null;
const at = (d: Date | null) => d?.toISOString() ?? null;

export async function personData(db: Db, platform: string, userId: string, now: Date): Promise<Record<string, unknown>> {
  const members = await db.member.findMany({
    where: { identities: { some: { platform, userId } } },
    include: { community: { select: { id: true, name: true } }, school: { select: { fullName: true } }, identities: true },
    orderBy: { id: "asc" },
  });
  const communities = [];
  for (const m of members) {
    const cid = m.communityId;
    const [recorded, named, pairs, attended, items, audits, processed, pending, codes, deliveries, imports] = await Promise.all([
      db.activity.findMany({ where: { communityId: cid, OR: [{ recorderId: m.id }, { confirmedById: m.id }] }, orderBy: { number: "asc" } }),
      db.activity.findMany({ where: { communityId: cid, people: { has: m.displayName }, recorderId: { not: m.id } }, select: { number: true, kind: true, date: true }, orderBy: { number: "asc" } }),
      db.mentorPair.findMany({
        where: { communityId: cid, OR: [{ mentorId: m.id }, { menteeId: m.id }] },
        include: { mentor: { select: { displayName: true } }, mentee: { select: { displayName: true } }, termRow: { select: { name: true } } },
      }),
      db.attendance.findMany({ where: { memberId: m.id }, include: { meeting: { select: { startsAt: true } }, school: { select: { fullName: true } } } }),
      db.actionItem.findMany({ where: { communityId: cid, OR: [{ ownerId: m.id }, { doneById: m.id }] }, orderBy: { number: "asc" } }),
      db.auditLog.findMany({ where: { communityId: cid, actorId: m.id }, orderBy: { at: "asc" } }),
      db.processedMessage.findMany({ where: { memberId: m.id }, orderBy: { createdAt: "asc" } }),
      db.pendingQuestion.findMany({ where: { communityId: cid, platform, userId } }),
      db.linkCode.findMany({ where: { memberId: m.id }, select: { expiresAt: true, createdAt: true } }),
      db.delivery.findMany({ where: { recipient: `user:${platform}:${userId}`, communityId: cid }, orderBy: { createdAt: "asc" } }),
      db.ledgerImport.findMany({ where: { communityId: cid, memberId: m.id }, select: { id: true, fileName: true, createdAt: true, confirmedAt: true, revokedAt: true }, orderBy: { id: "asc" } }),
    ]);
    const photos = await db.activityPhoto.findMany({
      where: { communityId: cid, sourceMessageKey: { in: recorded.filter((a) => a.recorderId === m.id).map((a) => a.sourceMessageKey) } },
      select: { sourceMessageKey: true, position: true, mimeType: true, size: true, consentAt: true, createdAt: true },
    });
    communities.push({
      共同体: m.community.name,
      成员: { 姓名: m.displayName, 学校: m.school?.fullName ?? null, 角色: m.roles, 周报私聊: m.digest, 登记时间: at(m.createdAt) },
      平台账号: m.identities.map((i) => ({ 平台: i.platform, 用户ID: i.userId, 关联时间: at(i.createdAt), 已告知隐私说明: at(i.noticedAt), 确认聊天照片已取得监护人同意: at(i.photoConsentAt) })),
      登记或确认的活动: recorded.map((a) => ({
        编号: a.number,
        由你登记: a.recorderId === m.id,
        由你确认: a.confirmedById === m.id,
        类型: a.kind,
        日期: day(a.date),
        人员: a.people,
        学科: a.subject,
        课题: a.title,
        人数: a.headcount,
        备注: a.notes,
        已撤销: at(a.revokedAt),
        登记时间: at(a.createdAt),
        照片: photos
          .filter((p) => p.sourceMessageKey === a.sourceMessageKey)
          .map((p) => ({ 序号: p.position + 1, 类型: p.mimeType, 字节: p.size, 监护人同意: at(p.consentAt), 上传时间: at(p.createdAt) })),
      })),
      写到你名字的其他活动: named.map((a) => ({ 编号: a.number, 类型: a.kind, 日期: day(a.date) })),
      师徒结对: pairs.map((p) => ({ 导师: p.mentor.displayName, 徒弟: p.mentee.displayName, 学科: p.subject, 学期: p.termRow?.name ?? null })),
      会议签到: attended.map((a) => ({ 会议时间: at(a.meeting.startsAt), 学校: a.school.fullName, 签到时间: at(a.createdAt) })),
      待办: items.map((i) => ({ 编号: i.number, 事项: i.task, 截止: day(i.due), 完成: at(i.doneAt) })),
      你的操作记录: audits.map((a) => ({ 时间: at(a.at), 操作: a.action, 对象: a.entity, 对象ID: a.entityId, 之前: a.before, 之后: a.after })),
      消息与回复: processed.map((p) => ({ 时间: at(p.createdAt), 回复: p.replies })),
      待回答的问题: pending.map((p) => ({ 命令: p.command, 字段: p.field, 已填: p.partial, 过期: at(p.expiresAt) })),
      关联码: codes.map((c) => ({ 生成: at(c.createdAt), 过期: at(c.expiresAt) })),
      推送给你的消息: deliveries.map((d) => ({ 类型: d.kind, 时间: at(d.dueAt), 状态: d.status, 内容: d.payload })),
      你上传的台账: imports.map((f) => ({ 编号: f.id, 文件名: f.fileName, 上传时间: at(f.createdAt), 确认: at(f.confirmedAt), 撤销: at(f.revokedAt) })),
    });
  }
  const district = await db.districtAdmin.findMany({ where: { platform, userId }, include: { district: { select: { name: true } } } });
  const wrongCodes = await db.linkCodeFailure.findMany({ where: { platform, userId }, select: { at: true }, orderBy: { at: "asc" } });
  return {
    说明: "教联体助手保存的关于你的全部信息（个人信息保护法第45条）。发送 /隐私 查看保存什么、为什么、保存多久；在单聊中发送 /注销 删除。",
    导出时间: now.toISOString(),
    平台账号: { 平台: platform, 用户ID: userId },
    共同体: communities,
    发错的关联码: wrongCodes.map((w) => at(w.at)),
    区县管理员: district.map((d) => ({ 区县: d.district.name, 姓名: d.displayName, 设置时间: at(d.createdAt) })),
  };
}
