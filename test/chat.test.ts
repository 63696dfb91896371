/**
 * `npm run chat` as a person would use it: piped lines into the real script, which starts its own
 * bot (PORT=0) on the test database; switching person (:as) and group (:group) must change who the
 * bot sees, and a malformed switch gets its usage, not a message to the bot.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TEST_DATABASE_URL, testPrefix, unique } from "./support/env.ts";

const ROOT = join(import.meta.dirname, "..");

function chat(lines: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/chat.ts"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, QUEUE_PREFIX: testPrefix(), PORT: "0", LOG_LEVEL: "silent", SCHEDULER_ENABLED: "false", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`chat exited ${code}: ${err}`))));
    child.stdin.end(`${[...lines, ":quit"].join("\n")}\n`);
  });
}

describe("npm run chat", () => {
  it("speaks as another person and in another group", async () => {
    const community = unique("聊天共同体");
    const group2 = unique("g");
    const out = await chat([`/绑定 ${community}`, ":as u-li 李老师", "/学校 添加 清涧县第二小学 核心", `:group ${group2}`, ":who", `/绑定 ${community}`], { CHAT_ID: unique("g") });
    expect(out).toMatch(/已绑定|绑定到/);
    // The second person is not the admin who bound the community…
    expect(out).toContain("（群 ");
    expect(out).toMatch(/只有[^\n]*管理员[^\n]*可以/);
    // …and in the other group the bot sees both the new person and the new group.
    expect(out).toContain(`（群 ${group2}，你是 李老师（u-li））`);
    expect(out).toContain(`共同体「${community}」已存在。只有它的管理员可以把新群绑定到它`);
    // The script starts a bot of its own (tsx, migrations, queues): seconds alone, far more on a busy machine.
  }, 120_000);

  it("starts as the person and 1:1 chat named in the environment; a bad switch shows its usage", async () => {
    const out = await chat([":as", ":group", "/帮助"], { USER_ID: "u-wang", USER_NAME: "王校长", CHAT_TYPE: "direct" });
    expect(out).toContain("与机器人单聊，你是 王校长（u-wang）");
    expect(out).toContain("用法：:as <用户ID> [姓名]");
    expect(out).toContain("用法：:group <群ID>");
    expect(out).toMatch(/助手> [\s\S]*\/记录/);
  }, 120_000);
});
