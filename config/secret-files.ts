/**
 * `NAME_FILE=/path` instead of `NAME=value`, the way container platforms and systemd's
 * LoadCredential= hand out secrets: the file's content (one trailing newline dropped) becomes NAME.
 * Read once at boot, before the schema checks it; errors name the variable and the path, never
 * the content. Setting both NAME and NAME_FILE is refused (which one wins would be a guess).
 */
import { readFileSync } from "node:fs";

/** Where a `*_FILE` variable could not be used; the message is shown to the person starting the bot. */
export interface SecretFileProblem {
  key: string;
  message: string;
}

const MAX_BYTES = 64 * 1024;

export function readSecretFiles(raw: Record<string, string>, keys: readonly string[]): { env: Record<string, string>; problems: SecretFileProblem[] } {
  const env = { ...raw };
  const problems: SecretFileProblem[] = [];
  for (const key of keys) {
    const fileKey = `${key}_FILE`;
    const path = raw[fileKey];
    if (path === undefined) continue;
    delete env[fileKey];
    if (raw[key] !== undefined) {
      problems.push({ key: fileKey, message: `${key} 和 ${fileKey} 只能设置一个` });
      continue;
    }
    let content: string;
    try {
      const bytes = readFileSync(path);
      if (bytes.length > MAX_BYTES) throw Object.assign(new Error("too large"), { code: "EFBIG" });
      content = bytes.toString("utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "文件不存在" : code === "EACCES" ? "没有读取权限" : code === "EISDIR" ? "是目录，不是文件" : code === "EFBIG" ? "文件超过 64 KB" : "无法读取";
      problems.push({ key: fileKey, message: `${why}：${path}` });
      continue;
    }
    const value = content.replace(/\r?\n$/, "");
    if (value.trim() === "") {
      problems.push({ key: fileKey, message: `文件是空的：${path}` });
      continue;
    }
    env[key] = value;
  }
  return { env, problems };
}
