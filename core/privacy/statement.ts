/**
 * What the bot tells people about their personal data (PIPL 第17条): one line the first time
 * it keeps something about a person, and the full 隐私说明 (/隐私, the /privacy page, the
 * README). One text, so the three never disagree.
 */
import { DEFAULT_RETENTION, type RetentionPolicy, retentionLines } from "./policy.ts";

/** The privacy page's path on the bot's own web server. */
export const PRIVACY_PATH = "/privacy";

export const ERASED_NAME = "已注销成员";

/** The one-line notice, with a link to the full page when the bot has a public address. */
export function noticeLine(pageUrl: string | undefined): string {
  const more = pageUrl ? `完整说明：${pageUrl}` : "完整说明请发送 /隐私";
  return `ℹ️ 个人信息提示：本助手保存你的平台账号、姓名和你发给它的命令，用于共同体的活动台账和学校、结对的进度，不用于评价或排名教师个人；随时可发送 /我的数据 获取副本、/注销 删除。${more}`;
}

export interface StatementSection {
  title: string;
  lines: string[];
}

/** The full 隐私说明. `contact` is the community's (or a placeholder where none is set). */
export function privacyStatement(opts: { contact?: string | null; retention?: RetentionPolicy } = {}): StatementSection[] {
  const retention = opts.retention ?? DEFAULT_RETENTION;
  return [
    {
      title: "谁在处理",
      lines: ["教育共同体（由其管理员在群里设置）使用教联体助手记录共同体的活动、会议与进度。", `个人信息联系人：${opts.contact?.trim() || "未设置（管理员可发送 /设置 隐私 联系人 姓名 电话 设置）"}`],
    },
    {
      title: "保存什么",
      lines: [
        "· 你的平台账号（企业微信或钉钉的用户 ID）、显示的姓名、学校和角色",
        "· 你发给助手的命令和助手的回复（用于防止同一条消息被处理两次）",
        "· 你登记的活动记录（日期、学校、人员、内容）和上传的照片；会议签到和待办",
        "· 操作记录（何时改了什么），注销后不再含有你的姓名和账号",
        "群里没有 @助手 的聊天，助手不处理、不保存。",
      ],
    },
    {
      title: "为什么",
      lines: ["形成共同体的活动台账，统计学校之间、师徒结对对照目标的完成情况。", "不用于评价或排名教师个人：进度、周报、台账和总结只比较学校和结对，不列出教师个人的活动数量（教师厅〔2025〕2号）。"],
    },
    { title: "保存多久", lines: retentionLines(retention) },
    {
      title: "照片",
      lines: [
        "上传时去除照片里的拍摄地点（GPS）、设备和时间等 EXIF 信息，只保存画面。",
        "照片中如有学生，上传人须确认已取得监护人同意；不满十四周岁未成年人的信息属于敏感个人信息（个人信息保护法第28、31条）。",
        "记录被撤销或删除后，照片链接随即失效。",
      ],
    },
    {
      title: "你的权利",
      lines: [
        "· 查看：随时发送 /隐私 查看本说明",
        "· 复制：在和助手的单聊中发送 /我的数据，获取助手保存的关于你的全部信息（第45条）",
        "· 删除：在和助手的单聊中发送 /注销，删除你的账号、姓名和消息；你登记的活动保留为「已注销成员」，共同体的统计不变（第47条）",
        "· 管理员可发送 /删除成员 删除某位成员的个人信息，或 /删除共同体 删除整个共同体的全部数据（含照片）",
      ],
    },
  ];
}

/** The statement as chat text (/隐私). */
export function statementText(opts: { contact?: string | null; retention?: RetentionPolicy; pageUrl?: string }): string {
  const body = privacyStatement(opts).flatMap((s) => [`【${s.title}】`, ...s.lines]);
  return ["🔒 隐私说明", ...body, ...(opts.pageUrl ? [`网页版：${opts.pageUrl}`] : [])].join("\n");
}
