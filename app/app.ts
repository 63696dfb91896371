/**
 * Wires one process: gateway (platform adapters, outbound sending, HTTP), worker (inbound
 * processing), or both (ROLE=all, the embedded default). Same code for every deployment shape.
 */
import type { FastifyInstance } from "fastify";
import { createRedis, redisTarget, type RedisClient } from "../config/redis.ts";
import type { PlatformAdapter } from "../bot/adapter.ts";
import { Gateway } from "../bot/gateway.ts";
import { platformHealth } from "../bot/health.ts";
import { createHttpServer } from "../bot/http.ts";
import { RateLimiter } from "../bot/rate-limiter.ts";
import { SimulatorAdapter } from "../bot/simulator/adapter.ts";
import { Outbox } from "../bot/simulator/outbox.ts";
import { ReplyHub } from "../bot/simulator/reply-hub.ts";
import { registerSimulatorRoutes } from "../bot/simulator/routes.ts";
import { isLoopbackHost } from "../bot/loopback.ts";
import { simulatorEnabled, type Env } from "../config/env.ts";
import { dingtalkAdapter, pictureSource, wecomAdapter } from "./platforms.ts";
import { createLogger, type Logger } from "../config/logger.ts";
import { activitiesForChat } from "../db/activities.ts";
import { createDatabase, type Db } from "../db/client.ts";
import { checkFileStore, fileStore } from "./files.ts";
import { migrateDiskPhotos } from "../web/forms/photo-migration.ts";
import type { Platform } from "../messages/messages.ts";
import { processInbound } from "../workers/inbound.ts";
import { registry } from "../commands/index.ts";
import { outboundProcessor } from "../workers/outbound.ts";
import { quotaFallback } from "../workers/schedule/quota-fallback.ts";
import { createProducers, type Producers } from "../messages/producers.ts";
import { WorkerManager } from "../workers/worker-manager.ts";
import { startScheduler, type Scheduler } from "../workers/schedule/scheduler.ts";
import { checkRedis, preparePostgres } from "./preflight.ts";
import { formSettings } from "./forms.ts";
import { registerFormRoutes } from "../web/forms/routes.ts";
import { registerImportRoutes } from "../web/imports/routes.ts";
import { registerDownloadRoutes } from "../web/downloads/routes.ts";
import { registerChartRoutes } from "../web/charts/routes.ts";
import { registerWebPages, webLogins } from "./web-pages.ts";
import { registerPrivacyPage } from "../web/privacy/page.ts";
import { registerMyDataRoute } from "../web/privacy/my-data-route.ts";
import { registerMetricsRoute, registerQueueDashboard } from "./admin.ts";
import { InboundLimits } from "../bot/inbound-limits.ts";
import { clusterGaugesExporter, processInfo, watchPlatforms, watchQueues } from "../bot/metrics.ts";
import { Lease } from "../bot/lease.ts";
import { ConnectionLease } from "../bot/connection-lease.ts";
import type { Worker } from "bullmq";
import { hostname } from "node:os";
import { OutageGate } from "../workers/outage.ts";

export interface AppOptions {
  env: Env;
  log?: Logger;
  now?: () => Date;
}

export interface App {
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:3000 */
  url: string;
  db: Db;
  producers: Producers;
  log: Logger;
  /** The HTTP server (tests use inject() to fake a remote caller). */
  http: FastifyInstance;
  close(): Promise<void>;
}

export async function startApp({ env, log = createLogger(env.LOG_LEVEL), now = () => new Date() }: AppOptions): Promise<App> {
  const target = redisTarget(env);
  for (const warning of await checkRedis(target)) log.warn(warning);
  const applied = await preparePostgres(env.DATABASE_DIRECT_URL ?? env.DATABASE_URL);
  if (applied.length) log.info({ applied }, "migrations applied");
  await checkFileStore(env);

  const { db, sql } = createDatabase(env.DATABASE_URL, env.DB_POOL_SIZE, { preparedStatements: env.DB_PREPARED_STATEMENTS });
  const files = fileStore(env, sql);
  // Photos earlier versions kept on this host's disk: into shared storage, once.
  await migrateDiskPhotos(files, env.PHOTO_DIR, log);
  const connections: RedisClient[] = [];
  const redis = (forWorker = true, autoPipelining = false) => {
    const r = createRedis(target, { forWorker, autoPipelining });
    r.on("error", (err) => log.warn({ err: err.message }, "redis connection error"));
    connections.push(r);
    return r;
  };
  const shared = redis();
  const pipelined = redis(false, true);
  const producers = createProducers(pipelined, env.QUEUE_PREFIX);
  // Without a listener BullMQ prints queue errors raw to stderr (console.error): through pino instead.
  for (const q of [producers.inbound.queue, producers.outbound.queue]) q.on("error", (err) => log.warn({ queue: q.name, err: err.message }, "queue connection error"));
  const workers = new WorkerManager({
    connection: shared,
    prefix: env.QUEUE_PREFIX,
    concurrency: env.INBOUND_CONCURRENCY,
    lockDuration: env.JOB_LOCK_MS,
    stalledInterval: env.STALLED_INTERVAL_MS,
    log,
  });
  const isGateway = env.ROLE !== "worker";
  const isWorker = env.ROLE !== "gateway";
  const limits = new InboundLimits(pipelined, env.QUEUE_PREFIX, {
    perSender: env.RATE_LIMIT_PER_SENDER,
    perChat: env.RATE_LIMIT_PER_CHAT,
    maxBacklogPerChat: env.MAX_BACKLOG_PER_CHAT,
    maxBacklogPerCommunity: env.MAX_BACKLOG_PER_COMMUNITY,
  });

  const forms = formSettings(env, log);
  let gate: OutageGate | undefined;
  if (isWorker) {
    const afterCommit = env.FAULT_CRASH_AFTER_COMMIT ? () => process.exit(137) : undefined;
    const privacy = { retention: { messageDays: env.RETENTION_MESSAGE_DAYS, photoTerms: env.RETENTION_PHOTO_TERMS } };
    const signIn = webLogins(env).map((l) => l.platform);
    const settings = { webhookOrigins: { wecom: env.WECOM_API_BASE, dingtalk: env.DINGTALK_OAPI_BASE }, ...(forms ? { forms } : {}), privacy, signIn };
    gate = new OutageGate(() => Promise.all([sql.query("SELECT 1"), pipelined.ping()]), log);
    const outage = { gate, maxWaitMs: env.OUTAGE_MAX_WAIT_MS, noticeAfterMs: env.OUTAGE_NOTICE_AFTER_MS, redis: pipelined, prefix: env.QUEUE_PREFIX };
    // Pictures people send are fetched here, in the worker, through the platforms' download APIs (no connection needed).
    const evidence = { pictures: pictureSource(env), files, warn: (detail: Record<string, unknown>, text: string) => log.warn(detail, text) };
    const deps = { db, sql, now, producers, log, afterCommit, echo: env.ECHO_MODE, settings, outage, limits, registry, evidence };
    workers.register("inbound", (message, job) => processInbound(deps, message, job), env.INBOUND_CONCURRENCY);
  }
  let scheduler: Scheduler | undefined;
  if (isWorker && env.SCHEDULER_ENABLED && !env.ECHO_MODE) {
    const privacy = { retention: { messageDays: env.RETENTION_MESSAGE_DAYS, photoTerms: env.RETENTION_PHOTO_TERMS } };
    scheduler = await startScheduler(
      { db, producers, log, now, privacy, files, ...(forms ? { forms } : {}) },
      { workers, connection: shared, prefix: env.QUEUE_PREFIX, everyMs: env.SCHEDULER_EVERY_MS },
    );
  }

  const health = async (verbose: boolean) => {
    const [redisOk, pgOk] = await Promise.all([
      shared.ping().then(
        () => true,
        () => false,
      ),
      db.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      ),
    ]);
    return { redis: redisOk, postgres: pgOk, platforms: platformHealth(adapters.values(), Date.now(), env.PLATFORM_DOWN_MS, verbose) };
  };
  const http: FastifyInstance = createHttpServer(log, health, { requestMs: env.HTTP_REQUEST_TIMEOUT_MS, headersMs: env.HTTP_HEADERS_TIMEOUT_MS, idleMs: env.HTTP_IDLE_TIMEOUT_MS });
  registerMetricsRoute(http, env.METRICS_TOKEN);
  registerQueueDashboard(http, [producers.inbound.queue, producers.outbound.queue], env.ADMIN_TOKEN);
  processInfo.set({ process: `${hostname()}:${process.pid}`, role: env.ROLE }, 1);
  // Queue depths are the same read from any process: only the lease holder reports them.
  const metricsLease = new Lease({
    redis: pipelined,
    prefix: env.QUEUE_PREFIX,
    name: "cluster-metrics",
    ttlMs: env.METRICS_LEASE_MS,
    onAcquired: () => clusterGaugesExporter.set(1),
    onLost: () => clusterGaugesExporter.set(0),
  });
  await metricsLease.start();
  const unwatch = watchQueues(
    async (): Promise<Record<string, Record<string, number>>> =>
      metricsLease.held > 0
        ? {
            inbound: await producers.inbound.queue.getJobCounts("wait", "active", "delayed", "failed", "prioritized"),
            outbound: await producers.outbound.queue.getJobCounts("wait", "active", "delayed", "failed", "prioritized"),
          }
        : {},
  );
  const adapters = new Map<Platform, PlatformAdapter>();
  const unwatchPlatforms = watchPlatforms(() => [...adapters.values()].flatMap((a) => a.status?.() ?? []));
  let gateway: Gateway | undefined;
  // Gateways run active/standby: the lease holder opens the long connections (bot/connection-lease.ts).
  let connectionLease: ConnectionLease | undefined;
  let outboundWorker: Worker | undefined;
  const longConnections = () => [...adapters.values()].flatMap((a) => a.longConnection?.() ?? []);

  if (isGateway) {
    // WAIT covers every write of the connection the job was added on (BullMQ's Queue uses it as given).
    const replicas = env.REDIS_WAIT_REPLICAS;
    const durable =
      replicas > 0
        ? async () => {
            const acked = await pipelined.wait(replicas, env.REDIS_WAIT_MS);
            if (acked < replicas) throw new Error(`queued message held by ${acked} of ${replicas} Redis replicas`);
          }
        : undefined;
    gateway = new Gateway(producers, limits, durable);
    if (simulatorEnabled(env)) {
      const sim = new SimulatorAdapter(new ReplyHub(pipelined, redis(false), env.QUEUE_PREFIX), new Outbox(pipelined, env.QUEUE_PREFIX));
      adapters.set("sim", sim);
      const access = { allowRemote: env.SIMULATOR_ALLOW_REMOTE, listensOnLoopback: isLoopbackHost(env.HOST) };
      registerSimulatorRoutes(http, sim, gateway, (platform, chatId) => activitiesForChat(db, platform, chatId), access);
    }
    const wecom = wecomAdapter(env, { http, redis: pipelined, log, now });
    if (wecom) adapters.set("wecom", wecom);
    const dingtalk = dingtalkAdapter(env, { http, redis: pipelined, log });
    if (dingtalk) adapters.set("dingtalk", dingtalk);
    registerPrivacyPage(http, { messageDays: env.RETENTION_MESSAGE_DAYS, photoTerms: env.RETENTION_PHOTO_TERMS });
    // Routes now (every replica serves them); long connections only once this process holds the lease.
    for (const adapter of adapters.values()) await adapter.start(gateway.sink, { connect: false });
    const limiter = new RateLimiter(shared, env.QUEUE_PREFIX, { limit: env.ROBOT_RATE_LIMIT, windowMs: env.ROBOT_RATE_WINDOW_MS });
    // One-second windows: a longer window would let the whole budget of it go in one burst, over the platform's per-second limit.
    const pushBudget = new RateLimiter(shared, env.QUEUE_PREFIX, { limit: env.PUSH_SENDS_PER_SECOND, windowMs: 1000 });
    const fence = longConnections().length > 0 ? () => connectionLease?.fenced() ?? Promise.resolve(false) : undefined;
    outboundWorker = workers.register("outbound", outboundProcessor(adapters, limiter, quotaFallback({ db, producers, log }), pushBudget, fence), env.OUTBOUND_CONCURRENCY, { countsOwnStarts: true });
    const gw = gateway;
    if (forms) {
      const formDeps = { db, forms, files, now, log, sink: gw.sink, resultOf: (id: string, ms: number) => gw.resultOf(id, ms) };
      registerFormRoutes(http, formDeps);
      registerImportRoutes(http, formDeps);
      registerDownloadRoutes(http, { db, forms, now, log });
      registerChartRoutes(http, { db, forms, now, log });
      await registerWebPages(http, { env, forms, db, now, log, sink: gw.sink, resultOf: (id, ms) => gw.resultOf(id, ms) });
      registerMyDataRoute(http, { db, forms, now });
    }
  }

  const address = await http.listen({ host: env.HOST, port: env.PORT });
  const url = address.replace("0.0.0.0", "127.0.0.1").replace("[::]", "127.0.0.1");
  if (forms && !env.PUBLIC_BASE_URL) forms.baseUrl = url; // links work on this machine only
  const platformConnections = longConnections();
  if (platformConnections.length > 0) {
    const worker = outboundWorker;
    connectionLease = new ConnectionLease({
      redis: pipelined,
      prefix: env.QUEUE_PREFIX,
      ttlMs: env.CONNECTION_LEASE_MS,
      // No two live processes listen on one host and address, and a restart takes its own lease back at once.
      owner: `${hostname()}|${address}`,
      connections: platformConnections,
      log,
      onLead: () => worker?.resume(),
      onFollow: () => void worker?.pause(true).catch(() => undefined),
    });
    await connectionLease.start();
  }
  log.info({ url, role: env.ROLE, platforms: [...adapters.keys()] }, "教联体助手 started");

  let closed = false;
  return {
    url,
    db,
    producers,
    log,
    http,
    async close() {
      if (closed) return;
      closed = true;
      unwatch();
      await metricsLease.stop();
      unwatchPlatforms();
      await http.close();
      await scheduler?.close();
      const outage = gate?.downSince !== undefined;
      gate?.stop();
      await workers.closeAll(outage);
      for (const adapter of adapters.values()) await adapter.stop();
      // Last: a standby takes the connections over at once, after this process's last send.
      await connectionLease?.stop();
      await producers.close();
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      await db.$disconnect();
      await sql.end().catch(() => undefined);
    },
  };
}
