import { z } from "zod";
import { field } from "../core/fields.ts";
import { formLinkReply } from "../core/form-link.ts";
import { recordCommand } from "./record.ts";
import { boundCommand } from "../core/types.ts";

export const formCommand = boundCommand({
  name: "表单",
  aliases: ["form", "填表"],
  summary: "用手机网页表单登记活动（可上传照片）",
  examples: ["/表单", "/表单 示范课"],
  args: z.object({
    kind: field(z.string().optional(), { label: "类型", keys: ["类型"], token: "kind" }),
  }),
  async run(ctx, { kind }) {
    return [formLinkReply(ctx, recordCommand, kind)];
  },
});
