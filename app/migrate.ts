/**
 * `npm run migrate` (development checkout) and `./start migrate` (release): create the database
 * if missing, apply pending migrations, say which, exit. The upgrade step between stopping the old
 * version and starting the new one (README「升级」), so a migration error shows up on its own.
 */
import { loadEnv } from "../config/env.ts";
import { createLogger, maskUrl } from "../config/logger.ts";
import { preparePostgres, StartupError } from "./preflight.ts";

try {
  const env = loadEnv();
  const applied = await preparePostgres(env.DATABASE_URL);
  const where = maskUrl(env.DATABASE_URL);
  console.log(applied.length === 0 ? `数据库已是最新（${where}），没有要执行的迁移。` : `已在 ${where} 执行 ${applied.length} 个迁移：\n${applied.map((n) => `  ${n}`).join("\n")}`);
  process.exit(0);
} catch (e) {
  const known = e instanceof StartupError || (e instanceof Error && e.message.startsWith("配置有误"));
  if (known) console.error((e as Error).message);
  else createLogger("error").fatal({ err: e }, "迁移失败 (migration failed)");
  process.exit(1);
}
