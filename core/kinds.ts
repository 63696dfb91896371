/**
 * Activity kinds from ../shared/domain.md, plus the words teachers type in chats (issue 9:
 * 送教下乡, 教研, 集备) and the seeds' own names for targets (公开教学, 课堂展示, 指导课题…): the canonical name (shown, stored, returned) and the
 * aliases people type. Traditional forms need no entries: input is converted to Simplified first.
 */
export interface ActivityKind {
  readonly name: string;
  readonly aliases: readonly string[];
}

export const ACTIVITY_KINDS: readonly ActivityKind[] = [
  { name: "联席会议", aliases: ["共同体联席会", "联席会", "对口协作会议", "例会"] },
  { name: "管理论坛", aliases: ["校长论坛", "工作例会", "管理研讨", "管理交流", "一把手交流", "校长交流"] },
  { name: "示范课", aliases: ["公开课", "观摩课", "展示课", "送课", "送课下乡", "送教", "教学示范", "送教下乡", "公开教学", "课堂展示", "研讨课"] },
  { name: "同课异构", aliases: ["同课异构课"] },
  { name: "听评课", aliases: ["听课", "评课", "说课"] },
  { name: "集体备课", aliases: ["备课", "联合备课", "集备"] },
  { name: "专题讲座", aliases: ["讲座", "培训", "专家讲座"] },
  { name: "教研活动", aliases: ["研讨活动", "联合教研", "联合调研", "课题研究", "课题指导", "教研", "指导课题", "研究课题"] },
  { name: "教师交流", aliases: ["支教", "对调交流", "走教", "轮岗", "交流教师"] },
  { name: "挂职", aliases: ["挂职锻炼", "跟岗"] },
  { name: "参观学习", aliases: ["考察", "跟岗学习", "参观", "学习交流"] },
  { name: "德育活动", aliases: ["德育", "班主任交流会", "感恩教育", "安全教育", "法制教育", "班主任会议", "德育交流"] },
  { name: "主题活动", aliases: ["读书节", "科技节", "艺术节", "体育节", "学生交流", "文化活动"] },
  { name: "联考", aliases: ["联评", "联考联评", "质量检测", "质量监控"] },
  { name: "教学比武", aliases: ["优质课比武", "基本功比武", "联校比武", "优质课评比"] },
  { name: "资源共享", aliases: ["课件共享", "教学设计", "试卷共享"] },
  { name: "物资援助", aliases: ["硬件援助", "捐赠", "捐助"] },
  { name: "论文案例", aliases: ["论文", "案例", "教学反思", "教学感想"] },
];

const byWord = new Map<string, string>();
for (const kind of ACTIVITY_KINDS) {
  byWord.set(kind.name, kind.name);
  for (const alias of kind.aliases) byWord.set(alias, kind.name);
}

/** The canonical kind for a typed word (already Simplified), or undefined. */
export function resolveKind(word: string): string | undefined {
  return byWord.get(word.trim());
}

export const KIND_NAMES: readonly string[] = ACTIVITY_KINDS.map((k) => k.name);
