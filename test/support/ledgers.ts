/**
 * Ledgers shaped like the ones schools keep by hand (a merged title, a blank row, headers in
 * their own words and order, Excel dates next to typed ones, a cover sheet first), built with
 * exceljs so each test can read its own file back.
 */
import ExcelJS from "exceljs";

export async function xlsx(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** 2026 autumn, as a coordinator of 清涧县第二小学's community would have kept it. */
export const messyLedger = () =>
  xlsx((wb) => {
    const s = wb.addWorksheet("台账");
    s.addRow(["2026年秋季学期 清涧县第二小学教育共同体活动台账"]);
    s.mergeCells("A1:J1");
    s.addRow([]);
    s.addRow(["序号", "活动形式", "时间", "承办学校", "参加学校", "学科", "活动内容", "执教教师", "参与人数", "备注"]);
    s.addRow([1, "送教下乡", new Date(Date.UTC(2026, 8, 18)), "郝家也", "", "语文", "《秋天的雨》", "张老师", 35, ""]); // line 4
    s.addRow([2, "听课", "2026年10月9日", "二小", "郝家也、双庙", "数学", "分数的意义", "", "12人", "效果很好"]); // line 5
    s.addRow([]);
    s.addRow([3, "集体备课", "10.16", "双庙", "", "", "", "", "", ""]); // line 7
    s.addRow([4, "联席会", 46320, "二小", "郝家也，双庙", "", "期中工作安排", "", "", ""]); // line 8: an Excel serial (2026-10-25)
    s.addRow([5, "拔河比赛", "2026-10-28", "二小", "", "", "", "", "", ""]); // line 9: not a kind
    s.addRow([6, "示范课", "2026-10-30", "火星小学", "", "", "", "", "", ""]); // line 10: no such school
    s.addRow([7, "示范课", "", "二小", "", "", "", "", "", ""]); // line 11: no date → today (as /记录)
    s.addRow([8, "", "2026-11-02", "二小", "", "", "", "", "", ""]); // line 12: no kind
    s.addRow([9, "听课", "2026年10月9日", "二小", "郝家也、双庙", "数学", "分数的意义", "", "12人", "效果很好"]); // line 13: same as line 5, a second lesson
  });
