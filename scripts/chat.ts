/**
 * `npm run chat`: talk to the bot from a terminal, as a member of the demo group.
 * Type commands as in a group chat (/帮助, /记录 …). ":demo" loads the demo community, ":quit" leaves.
 */
import { createInterface } from "node:readline/promises";
import { DEMO_ADMIN, DEMO_CHAT, seedDemo } from "./demo.ts";
import { localBot, say } from "./local-bot.ts";

const bot = await localBot();
const chatId = process.env.CHAT_ID ?? DEMO_CHAT;
const rl = createInterface({ input: process.stdin, output: process.stdout });
console.log(`教联体助手 本地聊天（${bot.url}，群 ${chatId}，你是 ${DEMO_ADMIN.userName}）`);
console.log("输入 /帮助 查看命令；输入 :demo 载入示例共同体（清涧县第二小学教育共同体）；:quit 退出。\n");

rl.setPrompt("你> ");
rl.prompt();
// Async iteration queues lines typed (or piped) while a reply is still on its way.
for await (const raw of rl) {
  const line = raw.trim();
  if (line === ":quit" || line === ":q") break;
  if (line === ":demo") {
    await seedDemo(bot.url);
    console.log("助手> 示例共同体已载入。试试：/进度  /列表  /记录 示范课 今天 二小 数学\n");
  } else if (line !== "") {
    const replies = await say(bot.url, { chatId, ...DEMO_ADMIN, text: line });
    console.log(replies.length ? `助手> ${replies.join("\n助手> ")}\n` : "（没有回复：群里不带 / 的消息会被忽略）\n");
  }
  rl.prompt();
}
rl.close();
await bot.close();
process.exit(0);
