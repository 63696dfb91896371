/** Secrets from files (`NAME_FILE`), as container platforms and systemd credentials pass them. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnv, wecomBotEnabled } from "../../config/env.ts";

const dir = mkdtempSync(join(tmpdir(), "jl-secrets-"));
function secretFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}
const errorOf = (raw: Record<string, string>): string => {
  try {
    loadEnv(raw);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("loadEnv accepted it");
};

describe("secrets from *_FILE variables", () => {
  it("reads the file's content (without the trailing newline an editor adds) as the variable", () => {
    const env = loadEnv({
      WECOM_BOT_ID: "bot1",
      WECOM_BOT_SECRET_FILE: secretFile("wecom", "s3cr3t-from-file\n"),
      DATABASE_URL_FILE: secretFile("db", "postgresql://bot:pa55@db.internal:5432/jiaolian\r\n"),
      FORM_SECRET_FILE: secretFile("form", `${"f".repeat(40)}\n`),
    });
    expect(env.WECOM_BOT_SECRET).toBe("s3cr3t-from-file");
    expect(env.DATABASE_URL).toBe("postgresql://bot:pa55@db.internal:5432/jiaolian");
    expect(env.FORM_SECRET).toBe("f".repeat(40));
    expect(wecomBotEnabled(env)).toBe(true);
    expect(Object.keys(env).some((k) => k.endsWith("_FILE"))).toBe(false);
  });

  it("checks a value from a file like one from the environment, without printing it", () => {
    const message = errorOf({ ADMIN_TOKEN_FILE: secretFile("short-admin", "tooShortToken\n") });
    expect(message).toContain("ADMIN_TOKEN: ADMIN_TOKEN 至少16个字符");
    expect(message).not.toContain("tooShortToken");
  });

  it("refuses a missing, unreadable, empty or doubly set secret, naming the variable and path", () => {
    expect(errorOf({ DINGTALK_CLIENT_ID: "ding", DINGTALK_CLIENT_SECRET_FILE: join(dir, "nope") })).toContain(`DINGTALK_CLIENT_SECRET_FILE: 文件不存在：${join(dir, "nope")}`);
    expect(errorOf({ ADMIN_TOKEN_FILE: secretFile("empty", "\n") })).toContain("ADMIN_TOKEN_FILE: 文件是空的");
    expect(errorOf({ ADMIN_TOKEN_FILE: dir })).toContain("ADMIN_TOKEN_FILE: 是目录，不是文件");
    const both = errorOf({ WECOM_APP_SECRET: "inline-value", WECOM_APP_SECRET_FILE: secretFile("app", "file-value") });
    expect(both).toContain("WECOM_APP_SECRET_FILE: WECOM_APP_SECRET 和 WECOM_APP_SECRET_FILE 只能设置一个");
    expect(both).not.toMatch(/inline-value|file-value/);
  });

  it("reports every problem at once: a bad file and a bad plain variable", () => {
    const message = errorOf({ PORT: "abc", FORM_SECRET_FILE: join(dir, "missing") });
    expect(message).toMatch(/FORM_SECRET_FILE: 文件不存在/);
    expect(message).toMatch(/PORT:/);
  });
});
