/**
 * The fault table, scaled down to 200 messages so the suite fits CI (bench/faults.ts runs it at
 * 1,000, plus PostgreSQL down for 5 minutes). Every row: each message recorded once, its final
 * reply delivered once, no apology; crashes: in-flight messages answered within 15 s of restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useCompiledBot } from "./bot-process.ts";
import { PrivatePostgres, PrivateRedis } from "./services.ts";
import { runScenario, type ScenarioOptions, type ScenarioResult } from "./scenario.ts";

const N = 200;
const SENDERS = 20;
let services: ScenarioOptions["services"];

beforeAll(async () => {
  useCompiledBot();
  services = { pg: await PrivatePostgres.start(), redis: await PrivateRedis.start() };
}, 300_000);
afterAll(async () => {
  services?.pg.destroy();
  await services?.redis.destroy();
});

function expectNothingLost(r: ScenarioResult): void {
  expect({ recorded: r.recorded, distinct: r.distinctRecorded, answered: r.answered, repliedTwice: r.repliedTwice, apologies: r.apologies }).toEqual({
    recorded: N,
    distinct: N,
    answered: N,
    repliedTwice: 0,
    apologies: 0,
  });
  expect(r.rawStderrLines).toEqual([]); // every error went through pino
}

describe("fault injection (private PostgreSQL and Redis)", () => {
  it("SIGTERM mid-burst, restart", async () => {
    const r = await runScenario({ fault: "sigterm", messages: N, services });
    expectNothingLost(r);
  });

  it("Redis killed with nothing persisted, back 2 s later: redelivery rebuilds the lost jobs", async () => {
    const r = await runScenario({ fault: "redis", messages: N, services });
    expectNothingLost(r);
  });

  // Recovery proper (from the new process being up, or from the kill with two workers) within 5 s;
  // the 15 s from the restart includes the boot. A 60 s lock shows it is the dead-process
  // reclaim (workers/reclaim.ts) that recovers them, not the lock lapsing.
  const LONG_LOCK = { JOB_LOCK_MS: "60000", STALLED_INTERVAL_MS: "30000" };

  it("SIGKILL of the only process: messages in flight answered within 15 s of the restart, 5 s of it being up", async () => {
    const r = await runScenario({ fault: "sigkill", messages: N, services, env: LONG_LOCK });
    expectNothingLost(r);
    expect(r.inFlightAnsweredAfterRestartMs).toBeLessThan(15_000);
    expect(r.inFlightAnsweredAfterReadyMs).toBeLessThan(5_000);
  });

  it("1 gateway + 2 workers, one worker SIGKILLed: the other takes over its jobs within 5 s", async () => {
    const r = await runScenario({ fault: "sigkill-worker", messages: N, services, env: LONG_LOCK });
    expectNothingLost(r);
    expect(r.inFlightAnsweredAfterRestartMs).toBeLessThan(5_000);
  });

  it("asked to stop while messages wait for PostgreSQL: exits promptly, the restarted bot finishes them", async () => {
    const r = await runScenario({ fault: "pg-sigterm", messages: N, services });
    expectNothingLost(r);
    expect(r.exitMs).toBeLessThan(15_000); // the simulator holds requests up to 10 s; waiting jobs are not awaited
    expect(r.inFlightAnsweredAfterRestartMs).toBeLessThan(15_000);
  });

  it("PostgreSQL stopped for 30 s: messages wait; each waiting sender told once after the threshold", async () => {
    const r = await runScenario({ fault: "pg", downMs: 30_000, messages: N, services, env: { OUTAGE_NOTICE_AFTER_MS: "10000" } });
    expectNothingLost(r);
    // One notice per sender and chat at most (20 senders), and some were sent: the outage outlasted the threshold.
    expect(r.notices).toBeGreaterThan(0);
    expect(r.notices).toBeLessThanOrEqual(SENDERS);
  });
});
