import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';

/** How busy the database connections of this process are, for /metrics. */
export interface PoolUsageSnapshot {
  driver: 'pglite' | 'postgres';
  /** Connections the process may hold: the pool's size, 1 for PGlite. */
  max: number;
  /** Connections carrying a query or a transaction now. */
  inUse: number;
  /** Queries and transactions waiting for a connection (for PGlite: queued behind the one in hand). */
  waiting: number;
  /** Seconds during which at least one connection was in use, since the process started. */
  busySeconds: number;
}

/**
 * Counts queries and transactions around the driver's calls, because neither
 * driver tells: postgres.js keeps its connection queues private, and PGlite
 * serialises everything on its one connection without saying how many wait.
 * A query outside a transaction holds a connection while it runs; a
 * transaction holds one from BEGIN to COMMIT (its own queries are not counted
 * again). Whatever is in hand beyond `max` waits for a connection.
 */
export class PoolUsage {
  private active = 0;
  private busySince = 0;
  private busyMs = 0;

  constructor(
    private readonly driver: 'pglite' | 'postgres',
    private readonly max: number,
  ) {}

  /** Marks one query or transaction as started; the returned function marks it done (once). */
  begin(): () => void {
    if (this.active++ === 0) this.busySince = performance.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.active === 0) this.busyMs += performance.now() - this.busySince;
    };
  }

  snapshot(): PoolUsageSnapshot {
    const busyMs = this.busyMs + (this.active > 0 ? performance.now() - this.busySince : 0);
    return {
      driver: this.driver,
      max: this.max,
      inUse: Math.min(this.active, this.max),
      waiting: Math.max(0, this.active - this.max),
      busySeconds: busyMs / 1000,
    };
  }

  /**
   * The postgres.js client as drizzle should see it: its queries (`unsafe`,
   * which drizzle uses for every statement) and transactions (`begin`) are
   * counted. A proxy, because postgres.js itself calls `unsafe` for BEGIN and
   * COMMIT, which belong to the transaction already counted. A postgres.js
   * query is lazy: it runs when first awaited, so its count starts then.
   */
  watchPostgres(sql: Sql): Sql {
    const usage = this;
    const unsafe = (...args: Parameters<Sql['unsafe']>) => {
      const query = sql.unsafe(...args);
      const then = query.then;
      let counted = false;
      query.then = function (this: typeof query, ...handlers: Parameters<typeof then>) {
        if (!counted) {
          counted = true;
          const end = usage.begin();
          then.call(this, end, end);
        }
        return then.apply(this, handlers);
      } as typeof then;
      return query;
    };
    const begin = async (...args: unknown[]) => {
      const end = usage.begin();
      try {
        return await (sql.begin as (...args: unknown[]) => Promise<unknown>)(...args);
      } finally {
        end();
      }
    };
    return new Proxy(sql, {
      get: (target, property, receiver) => (property === 'unsafe' ? unsafe : property === 'begin' ? begin : Reflect.get(target, property, receiver)),
    });
  }

  /** Counts PGlite's queries and transactions as drizzle sends them (`query`, `transaction`). */
  watchPglite(client: PGlite): void {
    const query = client.query.bind(client);
    const transaction = client.transaction.bind(client);
    client.query = (async (...args: Parameters<PGlite['query']>) => {
      const end = this.begin();
      try {
        return await query(...args);
      } finally {
        end();
      }
    }) as PGlite['query'];
    client.transaction = (async (...args: Parameters<PGlite['transaction']>) => {
      const end = this.begin();
      try {
        return await transaction(...args);
      } finally {
        end();
      }
    }) as PGlite['transaction'];
  }
}
