/** The fields of an activity, shared by /记录 and /修改 so both read input the same way. */
import { z } from "zod";
import { field } from "../core/fields.ts";

const dateValue = z.object({ date: z.string(), time: z.string().optional() });

export const activityFields = {
  kind: field(z.string().optional(), { label: "类型", keys: ["类型", "活动", "kind"], token: "kind", required: true, ask: "请问是什么活动？例如：示范课、听评课、联席会议、集体备课" }),
  date: field(dateValue.optional(), { label: "日期", keys: ["日期", "时间", "date"], token: "date" }),
  host: field(z.number().int().optional(), { label: "主办校", keys: ["主办", "主办校", "承办", "承办校", "地点", "host"], token: "school", ask: "请问主办校是哪所？回复学校简称即可，例如：二小" }),
  schools: field(z.array(z.number().int()).max(20).optional(), { label: "参与校", keys: ["参与", "参与校", "schools"], token: "school", multiple: true }),
  subject: field(z.string().optional(), { label: "学科", keys: ["学科", "subject"], token: "subject" }),
  title: field(z.string().min(1).max(100, "不超过100个字").optional(), { label: "课题", keys: ["课题", "题目", "主题", "title"], token: "title", placeholder: "《课题》" }),
  headcount: field(z.number().int().min(1, "至少1人").max(100000, "人数太大").optional(), { label: "人数", keys: ["人数", "headcount"], token: "headcount", placeholder: "N人" }),
  giver: field(z.number().int().optional(), {
    label: "派出校",
    keys: ["主讲校", "执教校", "送教校", "听课校", "来访校", "派出校"],
    token: "school",
    positional: false,
    hint: "授课、讲座的老师所在学校（命令里写 主讲校=）；听评课、参观学习、挂职是去听课、学习的学校（听课校=）；不选则按主讲老师或登记人的学校",
  }),
  // Positional only as "李老师执教" (a bare name would be mistaken for anything else); else 主讲=.
  people: field(z.array(z.string().min(1).max(30)).max(30).optional(), { label: "主讲", keys: ["主讲", "执教", "教师", "人员", "people"], token: "person", multiple: true }),
  notes: field(z.string().max(500, "不超过500个字").optional(), { label: "备注", keys: ["备注", "说明", "notes"], token: "rest" }),
};

/** A yes/no answer to a confirmation question ("是 2027年10月14日 吗？回复「是」确认"). */
export const YES_NO: Readonly<Record<string, string>> = {
  是: "yes",
  是的: "yes",
  对: "yes",
  确认: "yes",
  确定: "yes",
  好: "yes",
  yes: "yes",
  y: "yes",
  否: "no",
  不是: "no",
  不对: "no",
  取消: "no",
  no: "no",
  n: "no",
};

export const confirmField = () => field(z.enum(["yes", "no"]).optional(), { label: "确认", keys: [], token: "choice", choices: YES_NO, positional: false, hidden: true });
