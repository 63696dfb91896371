/**
 * A pg client that runs its promise-style queries one after another.
 *
 * Why: inside an interactive transaction Prisma's query interpreter loads the relations of an
 * `include` with `Promise.all` on the transaction's single connection (prisma/orm#29407, fix
 * proposed in prisma/orm#29468 and #29979, not released in 7.10). pg ≥ 8.19 queues such calls
 * itself but warns ("Calling client.query() when the client is already executing a query is
 * deprecated") and pg 9 will refuse them. Waiting for the previous query here sends the same
 * statements in the same order pg's own queue would, with no warning and no pg 9 break.
 *
 * Only the form the Prisma adapter uses (one config object, promise result) is chained; callback
 * calls (pg-pool's `pool.query`) and submittables (cursors, streams) go straight to pg.
 */
import pg from "pg";

const isPromiseForm = (args: unknown[]) => args.length === 1 && typeof args[0] === "object" && args[0] !== null && typeof (args[0] as { submit?: unknown }).submit !== "function";

export class SerialClient extends pg.Client {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const direct = pg.Client.prototype.query.bind(this) as (...args: unknown[]) => unknown;
    // Assigned, not overridden: pg's query() has a dozen overloads and this passes them all through.
    this.query = ((...args: unknown[]) => {
      if (!isPromiseForm(args)) return direct(...args);
      const run = this.#tail.then(() => direct(...args));
      this.#tail = run.catch(() => undefined);
      return run;
    }) as pg.Client["query"];
  }
}
