/** `npm run seed:demo`: creates the demo community (seed 004 篇一) through the normal pipeline. */
import { DEMO_CHAT } from "./demo.ts";
import { localBot } from "./local-bot.ts";
import { seedDemo } from "./demo.ts";

const bot = await localBot();
await seedDemo(bot.url, (line) => console.log(line));
console.log(`\n示例共同体已就绪：模拟群 ${DEMO_CHAT}。运行 npm run chat 进入该群聊天。`);
await bot.close();
process.exit(0);
