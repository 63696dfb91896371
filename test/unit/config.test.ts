/** The boot-time configuration schema. */
import { describe, expect, it } from "vitest";
import { loadEnv, simulatorEnabled } from "../../config/env.ts";

describe("configuration", () => {
  it("has working defaults with nothing set", () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/jiaolian", REDIS_URL: "redis://127.0.0.1:6379", PORT: 3000, ROLE: "all", HOST: "127.0.0.1" });
  });

  it("treats empty strings as unset and reads flags as true/false, not truthiness", () => {
    const env = loadEnv({ PORT: "", SIMULATOR: "false", ECHO_MODE: "true" });
    expect(env.PORT).toBe(3000);
    expect(env.SIMULATOR).toBe(false);
    expect(env.ECHO_MODE).toBe(true);
  });

  it("names every bad variable without printing values", () => {
    expect(() => loadEnv({ PORT: "abc", ROLE: "x", DATABASE_URL: "secret-not-a-url" })).toThrow(/PORT[\s\S]*ROLE|ROLE[\s\S]*PORT/);
    try {
      loadEnv({ DATABASE_URL: "secret-not-a-url" });
    } catch (e) {
      expect((e as Error).message).not.toContain("secret-not-a-url");
    }
  });

  it("refuses a platform half configured, naming what is missing but not the secret", () => {
    try {
      loadEnv({ WECOM_BOT_ID: "bot", DINGTALK_CLIENT_SECRET: "topsecret" });
      expect.unreachable();
    } catch (e) {
      const text = (e as Error).message;
      expect(text).toMatch(/WECOM_BOT_SECRET/);
      expect(text).toMatch(/DINGTALK_CLIENT_ID/);
      expect(text).not.toMatch(/topsecret/);
    }
    expect(() => loadEnv({ WECOM_APP_AES_KEY: "short" })).toThrow(/WECOM_APP_AES_KEY/);
  });

  it("keeps files in PostgreSQL by default; FILE_STORE=s3 needs endpoint, bucket and both keys", () => {
    expect(loadEnv({}).FILE_STORE).toBe("postgres");
    try {
      loadEnv({ FILE_STORE: "s3", S3_ENDPOINT: "http://127.0.0.1:9000", S3_SECRET_ACCESS_KEY: "s3-topsecret" });
      expect.unreachable();
    } catch (e) {
      const text = (e as Error).message;
      expect(text).toMatch(/S3_BUCKET/);
      expect(text).toMatch(/S3_ACCESS_KEY_ID/);
      expect(text).not.toMatch(/s3-topsecret/);
    }
    expect(() => loadEnv({ FILE_STORE: "s3", S3_ENDPOINT: "http://127.0.0.1:9000", S3_BUCKET: "No_Such", S3_ACCESS_KEY_ID: "a", S3_SECRET_ACCESS_KEY: "b" })).toThrow(/S3_BUCKET/);
    const env = loadEnv({ FILE_STORE: "s3", S3_ENDPOINT: "http://127.0.0.1:9000", S3_BUCKET: "photos", S3_ACCESS_KEY_ID: "a", S3_SECRET_ACCESS_KEY: "b", S3_FORCE_PATH_STYLE: "true" });
    expect(env).toMatchObject({ S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: true });
  });

  it("turns the simulator off by default once a platform is configured", () => {
    expect(simulatorEnabled(loadEnv({}))).toBe(true);
    expect(simulatorEnabled(loadEnv({ DINGTALK_CLIENT_ID: "a", DINGTALK_CLIENT_SECRET: "b" }))).toBe(false);
    expect(simulatorEnabled(loadEnv({ DINGTALK_CLIENT_ID: "a", DINGTALK_CLIENT_SECRET: "b", SIMULATOR: "true" }))).toBe(true);
  });
});
