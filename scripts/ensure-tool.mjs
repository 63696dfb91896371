// `node scripts/ensure-tool.mjs <tool>`: finds a program some tests drive (nothing here downloads
// one: the machines reach only the npm registry and Debian's packages). When it is missing and we
// run as root, installs it from Debian with apt-get, exactly as CI does; otherwise exits non-zero
// with the command to run. Prints the program's path as the last line. Used by .ci/run and by the
// tests themselves, so `npm test` on a fresh machine needs no separate step and never skips.
// Node built-ins only.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

// fc-list prints one line per font that covers Chinese; none means boxes in every screenshot.
const hasCjkFont = () => (spawnSync("fc-list", [":lang=zh", "family"], { encoding: "utf8" }).stdout ?? "").trim() !== "";

const TOOLS = {
  chromium: { paths: [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"], packages: ["chromium", "fonts-wqy-microhei"], extra: hasCjkFont, override: "CHROMIUM_PATH" },
  "systemd-analyze": { paths: ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"], packages: ["systemd"] },
  caddy: { paths: ["/usr/bin/caddy"], packages: ["caddy"] },
  pg_dump: { paths: ["/usr/bin/pg_dump"], packages: ["postgresql-client"] },
  openssl: { paths: ["/usr/bin/openssl"], packages: ["openssl"] },
};

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

const name = process.argv[2];
const tool = TOOLS[name];
if (!tool) fail(`用法：node scripts/ensure-tool.mjs <${Object.keys(TOOLS).join("|")}>`);
if (tool.override && process.env[tool.override] && !executable(process.env[tool.override])) fail(`${tool.override}=${process.env[tool.override]} 不是可执行文件 (not an executable)`);

const find = () => tool.paths.filter(Boolean).find(executable);
const ready = () => find() !== undefined && (tool.extra?.() ?? true);

if (!ready()) {
  const packages = tool.packages.join(" ");
  if (process.getuid?.() !== 0) {
    fail(`测试需要 ${name}，请先安装：sudo apt-get install -y ${packages}${tool.override ? `（或用 ${tool.override} 指向已有的）` : ""}\nThis test needs ${name}: sudo apt-get install -y ${packages}`);
  }
  console.error(`安装 Debian 的 ${packages} (apt-get)…`);
  // Several runs on one machine may install at once: wait for dpkg's lock instead of failing.
  const apt = (args) => spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=300", ...args], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (apt(["update", "-qq"]).status !== 0) fail("apt-get update 失败 (failed)");
  if (apt(["install", "-y", "-qq", ...tool.packages]).status !== 0) fail(`apt-get install ${packages} 失败 (failed)`);
  if (!ready()) fail(`安装 ${packages} 后仍找不到 ${name} (not found after install)`);
}
console.log(find());
