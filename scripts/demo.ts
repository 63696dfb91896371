/**
 * The demo community of seed 004 篇一: 清涧县第二小学 with its four member schools, its leaders,
 * and a few of the activities the summary reports. Sent through the normal pipeline with fixed
 * message ids, so running it twice changes nothing the second time.
 */
import { say } from "./local-bot.ts";

export const DEMO_CHAT = "demo-group";
export const DEMO_ADMIN = { userId: "demo-huiyanjun", userName: "惠彦钧" };

const SCRIPT = [
  "/绑定 清涧县第二小学教育共同体",
  "/学校 添加 清涧县第二小学 核心 二小 第二小学",
  "/学校 添加 郝家也中心小学 成员 郝家也",
  "/学校 添加 店则沟九年制学校 成员 店则沟",
  "/学校 添加 寨沟中心小学 成员 寨沟",
  "/学校 添加 双庙中心小学 成员 双庙",
  "/成员 惠彦钧 二小 管理员",
  "/成员 李周周 郝家也 校长",
  "/成员 李延卫 店则沟 校长",
  "/成员 惠彦 双庙 校长",
  "/成员 白小晶 寨沟 校长",
  "/记录 联席会议 11月7日 二小 参与=郝家也、店则沟、寨沟、双庙 备注=听取支教顶岗教师工作汇报",
  "/记录 示范课 11月12日 二小 参与=郝家也 语文 《秋天的雨》 45人",
  "/记录 送课下乡 11月18日 二小 参与=双庙 英语 30人",
  "/记录 参观学习 11月20日 二小 参与=寨沟、店则沟 32人 备注=成员学校30多名教师到第二小学参观学习",
  "/记录 对调交流 11月3日 二小 参与=郝家也 3人 备注=3名老师对调交流一个月",
  "/结对 惠彦钧 白小晶 语文",
];

export async function seedDemo(url: string, log: (line: string) => void = () => undefined): Promise<void> {
  for (const [i, text] of SCRIPT.entries()) {
    const replies = await say(url, { chatId: DEMO_CHAT, ...DEMO_ADMIN, text, messageId: `demo-seed-${i + 1}` });
    log(`> ${text}\n${replies.join("\n")}`);
  }
}
