/**
 * /照片 <编号>: attaches the pictures the sender sent in this chat that wait (HeldPicture, see
 * ./chat-photos.ts) to one of their records. It is what the buttons under the pictures send;
 * pressing one is also the account's statement that its photos have the guardians' consent.
 */
import { z } from "zod";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { audit } from "../core/support.ts";
import { boundCommand } from "../core/types.ts";
import { editableActivity } from "./activity-access.ts";
import { attachedText, attachPhotos, PHOTOS_WANTED, photoCountOf, RECENT_MINUTES } from "./photo-rows.ts";

export const photoCommand = boundCommand({
  name: "照片",
  aliases: ["附照片", "photo"],
  summary: "把刚发给我的照片附到一条记录（照片下面的按钮就是它；点按即确认照片中如有学生，已取得监护人同意）",
  examples: ["/照片 12"],
  args: z.object({
    number: field(z.number().int().optional(), { label: "编号", keys: ["编号"], token: "int", required: true, ask: "照片附到哪条记录？回复编号，例如：12", placeholder: "编号" }),
  }),
  async run(ctx, { number }) {
    if (number === undefined) throw new UserError("请写上记录编号，例如：/照片 12");
    const activity = await editableActivity(ctx, number);
    const m = ctx.message;
    const held = await ctx.db.heldPicture.findMany({
      where: { communityId: ctx.community.id, platform: m.platform, chatId: m.chatId, userId: m.senderId, expiresAt: { gt: ctx.now } },
      orderBy: { id: "asc" },
    });
    if (held.length === 0) {
      // 「加照片」 under a record: the sender's pictures of the next minutes go to this one (chat-photos.ts).
      await audit(ctx, PHOTOS_WANTED, "activity", activity.id, null, null);
      return m.chatType === "direct"
        ? `📷 把照片发给我即可\n${RECENT_MINUTES}分钟内发来的照片附到 #${number}（${activity.kind}）。`
        : `📷 请在与我的单聊里发照片\n${RECENT_MINUTES}分钟内发来的照片附到 #${number}（${activity.kind}）；也可以在群里 @我 发送「/照片 ${number}」并带上照片。`;
    }
    // The press is the consent, for these photos and the ones this account sends later.
    await ctx.db.platformIdentity.updateMany({ where: { communityId: ctx.community.id, platform: m.platform, userId: m.senderId, photoConsentAt: null }, data: { photoConsentAt: ctx.now } });
    await attachPhotos(
      ctx.db,
      ctx.community.id,
      activity.sourceMessageKey,
      held.map((h) => ({ key: h.pictureKey, fileName: h.fileName, mimeType: h.mimeType, size: h.size })),
      ctx.now,
    );
    await ctx.db.heldPicture.deleteMany({ where: { id: { in: held.map((h) => h.id) } } });
    await audit(ctx, "attach-photos", "activity", activity.id, null, { photos: held.length });
    return attachedText(activity, held.length, await photoCountOf(ctx.db, activity.sourceMessageKey));
  },
});
