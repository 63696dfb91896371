/**
 * The whole configuration: one zod schema parsed once at boot. Empty strings count as unset,
 * numbers are coerced, flags are "true"|"false" (never z.coerce.boolean, which reads "false" as true).
 */
import { z } from "zod";
import { readSecretFiles } from "./secret-files.ts";
import { LEGACY_ORG, parseOrgList } from "./org-schema.ts";

const flag = z.enum(["true", "false"]).transform((v) => v === "true");
/** "host:port,host:port" (an IPv6 address in brackets). */
const hostPorts = z
  .string()
  .regex(/^\s*(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}\s*(?:,\s*(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}\s*)*$/, "应写成 主机:端口,主机:端口，例如 10.0.0.1:26379,10.0.0.2:26379");
const emptyAsUnset = (raw: NodeJS.ProcessEnv): Record<string, string> => Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string" && e[1].trim() !== ""));

export const envSchema = z
  .object({
    DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/jiaolian"),
    /**
     * The server itself, not a pooler: creating the database and migrating (under an advisory lock,
     * which is a session's and means nothing through PgBouncer's transaction mode). Unset: DATABASE_URL.
     */
    DATABASE_DIRECT_URL: z.string().url().optional(),
    /**
     * Named prepared statements on the hot path (parsed once per connection). PgBouncer before 1.21
     * in transaction mode hands each transaction another server connection, where the name is
     * unknown: set false there (unnamed statements, parsed every time).
     */
    DB_PREPARED_STATEMENTS: flag.default(true),
    /** One Redis node; with REDIS_SENTINELS or REDIS_CLUSTER_NODES only its user and password are used. */
    REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
    /** Redis Sentinel: "host:port,host:port" of the sentinels; they name the current primary. */
    REDIS_SENTINELS: hostPorts.optional(),
    REDIS_SENTINEL_MASTER: z.string().default("mymaster"),
    REDIS_SENTINEL_PASSWORD: z.string().optional(),
    /**
     * Replication is asynchronous: a primary that dies loses what it had not yet sent to its
     * replica. With N > 0 the gateway accepts a message only once N replicas hold it (Redis WAIT,
     * up to REDIS_WAIT_MS), so a Sentinel failover cannot lose a message the platform saw acknowledged.
     */
    REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(10).default(0),
    REDIS_WAIT_MS: z.coerce.number().int().min(10).default(1_000),
    /** Redis Cluster: "host:port,…" of some of its nodes (the rest are discovered). Needs a QUEUE_PREFIX in braces. */
    REDIS_CLUSTER_NODES: hostPorts.optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Listening address of the HTTP server. Beyond loopback, /sim routes are refused unless SIMULATOR_ALLOW_REMOTE=true. */
    HOST: z.string().default("127.0.0.1"),
    /**
     * The simulator posts messages as anyone: it answers only callers on this machine, with no
     * forwarding header (a same-host reverse proxy makes every caller 127.0.0.1), and only while
     * the server listens on loopback. This switch lifts all three (a demo on a trusted network).
     */
    SIMULATOR_ALLOW_REMOTE: flag.default(false),
    /** The whole request (headers and body) must arrive within this; uploads of 5 photos on a slow phone need the default. */
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(500).default(120_000),
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(500).default(15_000),
    /** A connection silent in both directions this long is closed (above the 10 s a simulator request waits for its reply). */
    HTTP_IDLE_TIMEOUT_MS: z.coerce.number().int().min(500).default(30_000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** gateway: platform connections + outbound sending; worker: inbound processing + schedulers; all: both. */
    ROLE: z.enum(["all", "gateway", "worker"]).default("all"),
    /**
     * Prefix of every Redis key, so several deployments (or tests) can share one Redis. On a Redis
     * Cluster it must start with a hash tag in braces ("{jiaolian}"), BullMQ's documented way.
     */
    QUEUE_PREFIX: z
      .string()
      .regex(/^(?:\{[A-Za-z0-9_:.-]+\})?[A-Za-z0-9_:.-]*$/, "只能包含字母、数字和 _ : . -，可以用花括号开头，例如 {jiaolian}")
      .refine((s) => s !== "", "不能为空，例如 jiaolian")
      .default("jiaolian"),
    SIMULATOR: flag.optional(),
    INBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    OUTBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    /**
     * BullMQ lock duration; a worker that dies loses its job to another after this long (plus up to
     * one stalled-check interval). Short, so messages in flight at a crash run again within seconds;
     * the lock is renewed every half of it, so only an event loop blocked that long causes a rerun
     * (harmless: processing is idempotent).
     */
    JOB_LOCK_MS: z.coerce.number().int().min(500).default(6_000),
    STALLED_INTERVAL_MS: z.coerce.number().int().min(200).default(2_000),
    /** How long a message waits out a PostgreSQL/Redis outage before it gets an apology instead. */
    OUTAGE_MAX_WAIT_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .default(30 * 60_000),
    /** After an outage lasted this long, each waiting sender is told once "已收到，系统恢复后自动记录". */
    OUTAGE_NOTICE_AFTER_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(2 * 60_000),
    /** Inbound limits per sender and per chat (messages per minute); beyond them: one "太快了" and drop. */
    RATE_LIMIT_PER_SENDER: z.coerce.number().int().min(1).default(30),
    RATE_LIMIT_PER_CHAT: z.coerce.number().int().min(1).default(120),
    /** At most this many messages of one chat waiting in the inbound queue; beyond: as over the rate limit. */
    MAX_BACKLOG_PER_CHAT: z.coerce.number().int().min(1).default(500),
    /** The same cap summed over all chats of one community (known once a chat's message was processed). */
    MAX_BACKLOG_PER_COMMUNITY: z.coerce.number().int().min(1).default(1_500),
    /** Enables the queue dashboard at /admin/queues (Authorization: Bearer <token>). Unset: no dashboard. */
    ADMIN_TOKEN: z.string().min(16, "ADMIN_TOKEN 至少16个字符").optional(),
    /** When set, GET /metrics needs it (Authorization: Bearer <token>, or Basic with it as the password). */
    METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN 至少16个字符").optional(),
    /** Only for fault-injection tests: crash the process right after a command's transaction commits. */
    FAULT_CRASH_AFTER_COMMIT: flag.default(false),
    /** Diagnostics and the benchmark's baseline: reply with the text itself, touching no database. */
    ECHO_MODE: flag.default(false),
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    /** Meeting reminders and other scheduled pushes (worker role): the BullMQ job scheduler's tick. */
    SCHEDULER_ENABLED: flag.default(true),
    SCHEDULER_EVERY_MS: z.coerce.number().int().min(200).default(60_000),

    /**
     * The address people's phones reach the bot's HTTP server at (forms, downloads). Unset: the
     * server's own address, which only works on the same machine or network.
     */
    PUBLIC_BASE_URL: z.string().url().optional(),
    /** Signs form and download links (at least 32 characters). Unset: a random one per process, so links die at restart. */
    FORM_SECRET: z.string().min(32, "至少32个字符").optional(),
    FORM_LINK_TTL_HOURS: z.coerce
      .number()
      .min(0.01)
      .max(24 * 30)
      .default(24),
    /** Where earlier versions kept uploaded photos; moved into the file store once at start. */
    PHOTO_DIR: z.string().default("data/photos"),
    /** Where shared files (photos) live: PostgreSQL (the default, nothing more to run) or an S3-compatible bucket. */
    FILE_STORE: z.enum(["postgres", "s3"]).default("postgres"),
    /** S3-compatible endpoint, e.g. https://s3.cn-north-1.amazonaws.com.cn, https://cos.ap-beijing.myqcloud.com, http://minio:9000. */
    S3_ENDPOINT: z.string().url().optional(),
    S3_REGION: z.string().min(1).default("us-east-1"),
    /** S3's bucket naming rules: 3-63 lower-case letters, digits, dots and hyphens. */
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "桶名应为3—63位小写字母、数字、点和连字符")
      .optional(),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    /** Bucket in the path (MinIO, Ceph and most self-hosted servers) instead of in the host name (AWS, Aliyun OSS). */
    S3_FORCE_PATH_STYLE: flag.default(false),
    /** Processed messages (with the bot's replies) and delivery logs are deleted after this many days; a community may set its own (/设置 隐私). */
    RETENTION_MESSAGE_DAYS: z.coerce.number().int().min(7).max(3650).default(180),
    /** Photos are kept for the term of their record plus this many terms; a community may set its own. */
    RETENTION_PHOTO_TERMS: z.coerce.number().int().min(0).max(20).default(1),

    /** Group robot webhooks (both platforms): at most this many messages per window per robot. */
    /** Platform sends per second (per platform, all gateways) that scheduled pushes may use; replies are not counted. */
    PUSH_SENDS_PER_SECOND: z.coerce.number().int().min(1).default(15),
    ROBOT_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
    ROBOT_RATE_WINDOW_MS: z.coerce.number().int().min(100).default(60_000),

    /**
     * More organisations (WeCom corps, DingTalk orgs) as a JSON list (config/org-schema.ts); the
     * single-org variables below are the organisation `default`. Holds secrets: ORGANISATIONS_FILE.
     */
    ORGANISATIONS: z
      .string()
      .optional()
      .transform((raw, ctx) => (raw === undefined ? undefined : parseOrgList(raw, ctx))),
    // WeCom 智能机器人 (long connection). Both or neither.
    WECOM_BOT_ID: z.string().optional(),
    WECOM_BOT_SECRET: z.string().optional(),
    WECOM_WS_URL: z.string().url().default("wss://openws.work.weixin.qq.com"),
    /** Application-level ping interval; two missed answers mean a dead connection. */
    WECOM_HEARTBEAT_MS: z.coerce.number().int().min(200).default(30_000),
    // WeCom self-built app (企业微信自建应用): callback crypto + message API. All or none.
    WECOM_CORP_ID: z.string().optional(),
    WECOM_APP_TOKEN: z.string().optional(),
    WECOM_APP_AES_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}$/, "EncodingAESKey 应为43位字母数字")
      .optional(),
    WECOM_APP_SECRET: z.string().optional(),
    WECOM_AGENT_ID: z.coerce.number().int().positive().optional(),
    /** qyapi host: app message API and the only origin group robot webhooks may point to. */
    WECOM_API_BASE: z.string().url().default("https://qyapi.weixin.qq.com"),
    /** Where the browser goes for 网页授权 (signed-in pages); moved only by a private deployment or a test. */
    WECOM_OAUTH_BASE: z.string().url().default("https://open.weixin.qq.com"),

    // DingTalk 企业内部应用机器人.
    DINGTALK_CLIENT_ID: z.string().optional(),
    DINGTALK_CLIENT_SECRET: z.string().optional(),
    /** robotCode for the OpenAPI sends; the client id when unset (DingTalk's default). */
    DINGTALK_ROBOT_CODE: z.string().optional(),
    DINGTALK_MODE: z.enum(["stream", "http"]).default("stream"),
    DINGTALK_API_BASE: z.string().url().default("https://api.dingtalk.com"),
    /** Stream gateway (connections/open); defaults to DINGTALK_API_BASE's. */
    DINGTALK_GATEWAY_URL: z.string().url().optional(),
    /** oapi host: the only origin custom group robot webhooks may point to; also where media (file messages) is uploaded. */
    DINGTALK_OAPI_BASE: z.string().url().default("https://oapi.dingtalk.com"),
    /** Where the browser goes for DingTalk sign-in (signed-in pages). */
    DINGTALK_LOGIN_BASE: z.string().url().default("https://login.dingtalk.com"),
    /** Stream keepalive: WebSocket ping interval; a ping unanswered by the next one ends the socket. */
    DINGTALK_KEEPALIVE_MS: z.coerce.number().int().min(200).default(8_000),
    /** Stream reconnect backoff: first delay and cap (exponential, with jitter). */
    DINGTALK_BACKOFF_INITIAL_MS: z.coerce.number().int().min(10).default(1_000),
    DINGTALK_BACKOFF_MAX_MS: z.coerce.number().int().min(10).default(60_000),
    /** Stream: retry cadence while a socket told to go (disconnect notice) still has its 10 s. */
    DINGTALK_HANDOVER_RETRY_MS: z.coerce.number().int().min(10).max(5_000).default(100),
    /** callbackRouteKey sent with each interactive card (as registered for the app's card callbacks), if any. */
    DINGTALK_CARD_ROUTE_KEY: z.string().optional(),
    /** Where inbound messages wait on disk while Redis refuses them (one subfolder per queue prefix). */
    SPOOL_DIR: z.string().default("./data/spool"),
    /** Lease for exporting cluster-wide gauges once: a dead exporter is replaced within about 4/3 of this. */
    METRICS_LEASE_MS: z.coerce.number().int().min(300).default(15_000),
    // Gateways run active/standby on one lease: a dead holder's connections reopen elsewhere within ~4/3 of it.
    CONNECTION_LEASE_MS: z.coerce.number().int().min(300).default(6_000),
    /** /healthz answers 503 once a configured platform connection has been down this long. */
    PLATFORM_DOWN_MS: z.coerce.number().int().min(100).default(120_000),
  })
  .superRefine((env, ctx) => {
    const groups: [string, (keyof typeof env)[]][] = [
      ["企业微信智能机器人", ["WECOM_BOT_ID", "WECOM_BOT_SECRET"]],
      ["企业微信自建应用", ["WECOM_CORP_ID", "WECOM_APP_TOKEN", "WECOM_APP_AES_KEY", "WECOM_APP_SECRET", "WECOM_AGENT_ID"]],
      ["钉钉机器人", ["DINGTALK_CLIENT_ID", "DINGTALK_CLIENT_SECRET"]],
    ];
    if (env.REDIS_SENTINELS && env.REDIS_CLUSTER_NODES) ctx.addIssue({ code: "custom", path: ["REDIS_CLUSTER_NODES"], message: "REDIS_SENTINELS 和 REDIS_CLUSTER_NODES 只能设置一个" });
    if (env.REDIS_CLUSTER_NODES && env.REDIS_WAIT_REPLICAS > 0) ctx.addIssue({ code: "custom", path: ["REDIS_WAIT_REPLICAS"], message: "Redis Cluster 不支持 REDIS_WAIT_REPLICAS，请设为 0" });
    if (env.REDIS_CLUSTER_NODES && !/^\{[^}]+\}/.test(env.QUEUE_PREFIX)) {
      // Without one hash tag BullMQ's scripts touch keys in different slots and Redis refuses them (CROSSSLOT).
      ctx.addIssue({ code: "custom", path: ["QUEUE_PREFIX"], message: `使用 Redis Cluster 时必须用花括号括起来，例如 {${env.QUEUE_PREFIX}}` });
    }
    if (env.FILE_STORE === "s3") {
      for (const k of ["S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
        if (env[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "FILE_STORE=s3 时必须设置 S3_ENDPOINT、S3_BUCKET、S3_ACCESS_KEY_ID、S3_SECRET_ACCESS_KEY" });
      }
    }
    const legacy = env.WECOM_BOT_ID !== undefined || env.WECOM_CORP_ID !== undefined || env.DINGTALK_CLIENT_ID !== undefined;
    const i = env.ORGANISATIONS?.findIndex((o) => o.key === LEGACY_ORG) ?? -1;
    if (legacy && i >= 0) {
      ctx.addIssue({ code: "custom", path: ["ORGANISATIONS", i, "key"], message: `「${LEGACY_ORG}」是 WECOM_*/DINGTALK_* 变量所配组织的代号，请换一个代号，或把这些变量移进 ORGANISATIONS` });
    }
    for (const [what, keys] of groups) {
      const set = keys.filter((k) => env[k] !== undefined);
      if (set.length > 0 && set.length < keys.length) {
        for (const k of keys.filter((k) => env[k] === undefined)) ctx.addIssue({ code: "custom", path: [k], message: `${what}需要同时设置 ${keys.join("、")}` });
      }
    }
  });

export type Env = z.infer<typeof envSchema>;

/** Variables that may also come from a file named by `<NAME>_FILE` (config/secret-files.ts): secrets and URLs holding passwords. */
export const FILE_VARIABLES = [
  "DATABASE_URL",
  "DATABASE_DIRECT_URL",
  "REDIS_URL",
  "REDIS_SENTINEL_PASSWORD",
  "ADMIN_TOKEN",
  "FORM_SECRET",
  "WECOM_BOT_SECRET",
  "WECOM_APP_TOKEN",
  "WECOM_APP_AES_KEY",
  "WECOM_APP_SECRET",
  "DINGTALK_CLIENT_SECRET",
  "S3_SECRET_ACCESS_KEY",
  "ORGANISATIONS",
] as const;

/** Parses the environment; throws an Error whose message lists every bad variable (never values). */
export function loadEnv(raw: NodeJS.ProcessEnv = process.env): Env {
  const { env, problems } = readSecretFiles(emptyAsUnset(raw), FILE_VARIABLES);
  const parsed = envSchema.safeParse(env);
  const lines = problems.map((p) => `  ${p.key}: ${p.message}`);
  if (!parsed.success) lines.push(...parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`));
  if (lines.length > 0 || !parsed.success) throw new Error(`配置有误 (configuration error):\n${lines.join("\n")}`);
  return parsed.data;
}

export const wecomBotEnabled = (env: Env) => env.WECOM_BOT_ID !== undefined || (env.ORGANISATIONS?.some((o) => o.wecomBot) ?? false);
export const wecomAppEnabled = (env: Env) => env.WECOM_CORP_ID !== undefined || (env.ORGANISATIONS?.some((o) => o.wecomApp) ?? false);
export const dingtalkEnabled = (env: Env) => env.DINGTALK_CLIENT_ID !== undefined || (env.ORGANISATIONS?.some((o) => o.dingtalk) ?? false);

/** The simulator runs when asked to, or by default when no platform is configured. */
export function simulatorEnabled(env: Env): boolean {
  return env.SIMULATOR ?? !(wecomBotEnabled(env) || wecomAppEnabled(env) || dingtalkEnabled(env));
}
