/**
 * `npm run chat`: talk to the bot from a terminal. Starts as the demo admin in the demo group
 * (or CHAT_ID / USER_ID / USER_NAME / CHAT_TYPE=direct); ":as", ":group", ":dm" switch who speaks
 * and where. Type commands as in a group chat (/帮助, /记录 …). ":demo" loads the demo community, ":quit" leaves.
 */
import { createInterface } from "node:readline/promises";
import { describeSession, SESSION_HELP, sessionFromEnv, sessionLine } from "./chat-session.ts";
import { seedDemo } from "./demo.ts";
import { localBot, say } from "./local-bot.ts";

const bot = await localBot();
let session = sessionFromEnv(process.env);
const rl = createInterface({ input: process.stdin, output: process.stdout });
console.log(`教联体助手 本地聊天（${bot.url}，${describeSession(session)}）`);
console.log("输入 /帮助 查看命令；输入 :demo 载入示例共同体（清涧县第二小学教育共同体）；:quit 退出。");
console.log(`${SESSION_HELP.join("\n")}\n`);

rl.setPrompt("你> ");
rl.prompt();
// Piped input closes the interface at its end while queued lines are still being answered; a
// prompt after that throws on Node 26 (ERR_USE_AFTER_CLOSE), so it is only shown while open.
let inputOpen = true;
rl.on("close", () => {
  inputOpen = false;
});
// Async iteration queues lines typed (or piped) while a reply is still on its way.
for await (const raw of rl) {
  const line = raw.trim();
  if (line === ":quit" || line === ":q") break;
  const switched = line.startsWith(":") ? sessionLine(line, session) : { kind: "other" as const };
  if (switched.kind === "switched") {
    session = switched.session;
    console.log(`（${describeSession(session)}）\n`);
  } else if (switched.kind === "show") {
    console.log(`（${describeSession(session)}）\n`);
  } else if (switched.kind === "error") {
    console.log(`（${switched.message}）\n`);
  } else if (line === ":demo") {
    await seedDemo(bot.url);
    console.log("助手> 示例共同体已载入。试试：/进度  /列表  /记录 示范课 今天 二小 数学\n");
  } else if (line !== "") {
    const replies = await say(bot.url, { ...session, text: line });
    console.log(replies.length ? `助手> ${replies.join("\n助手> ")}\n` : "（没有回复：群里不带 / 的消息会被忽略）\n");
  }
  if (inputOpen) rl.prompt();
}
rl.close();
await bot.close();
process.exit(0);
