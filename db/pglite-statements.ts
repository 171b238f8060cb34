import type { PGlite, QueryOptions, Results, Transaction } from '@electric-sql/pglite';
import { parse, protocol } from '@electric-sql/pglite';

type BackendMessage = Parameters<typeof parse.parseResults>[0][number];

/**
 * Named prepared statements for PGlite, as postgres.js keeps them on
 * PostgreSQL. PGlite's `query` parses and plans its text anew on every call,
 * in six round trips into WebAssembly (parse, describe, bind, describe,
 * execute, sync); on the app's one thread that was most of a survey step's
 * cost (the invitation's query took 1.9-3.8 ms of CPU, of which 0.3-0.4 ms
 * is running it; docs/decisions/0039-survey-steps-on-the-embedded-database.md).
 * Here each distinct statement text is parsed once under a name of its own,
 * and every call is one round trip: bind, describe, execute, sync.
 *
 * The same guarantees as PGlite's `query`: the same mutexes (a query waits
 * for a transaction in progress; a transaction's queries run inside it), the
 * file system synced after every statement outside a transaction, the same
 * parameter serializers and result parsers (so results are identical).
 * PostgreSQL itself re-plans a named statement when a table it reads
 * changes; a statement whose result columns changed is parsed again.
 */

/** The parts of PGlite used here that its typings mark internal. */
interface PgliteInternals {
  _checkReady(): Promise<void>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  execProtocol(message: Uint8Array, options?: { syncToFs?: boolean }): Promise<{ messages: BackendMessage[] }>;
  syncToFs(): Promise<void>;
  serializers: Record<number, (value: unknown) => string>;
  parsers: Parameters<typeof parse.parseResults>[1];
}

interface Statement {
  name: string;
  paramTypes: number[];
}

const { serialize } = protocol;

function joined(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Statements kept per connection; the least recently used is closed beyond this. */
const MAX_STATEMENTS = 500;

/**
 * Makes `client.query` (and the queries of `client.transaction`) run as
 * named prepared statements. Call once, right after opening the client.
 */
export function preparePgliteStatements(client: PGlite, maxStatements = MAX_STATEMENTS): void {
  const pg = client as unknown as PgliteInternals;
  for (const method of ['_checkReady', '_runExclusiveQuery', '_runExclusiveTransaction', 'execProtocol', 'syncToFs'] as const) {
    if (typeof pg[method] !== 'function') throw new Error(`PGlite no longer has ${method}; db/pglite-statements.ts needs updating.`);
  }
  const statements = new Map<string, Statement>();
  let counter = 0;

  async function prepared(text: string, options: QueryOptions | undefined): Promise<Statement> {
    const known = statements.get(text);
    if (known) {
      // Most recently used last, so the first entry is the one to close.
      statements.delete(text);
      statements.set(text, known);
      return known;
    }
    const name = `wm_${++counter}`;
    const { messages } = await pg.execProtocol(
      joined([serialize.parse({ name, text, types: options?.paramTypes }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      { syncToFs: false },
    );
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    statements.set(text, statement);
    if (statements.size > maxStatements) {
      const [oldestText, oldest] = statements.entries().next().value as [string, Statement];
      statements.delete(oldestText);
      await pg.execProtocol(joined([serialize.close({ type: 'S', name: oldest.name }), serialize.sync()]), { syncToFs: false });
    }
    return statement;
  }

  async function forget(text: string): Promise<void> {
    const statement = statements.get(text);
    if (!statement) return;
    statements.delete(text);
    await pg.execProtocol(joined([serialize.close({ type: 'S', name: statement.name }), serialize.sync()]), { syncToFs: false });
  }

  async function execute<T>(text: string, params: unknown[], options: QueryOptions | undefined, retry = true): Promise<Results<T>> {
    let statement: Statement;
    try {
      statement = await prepared(text, options);
    } catch (error) {
      throw Object.assign(error as Error, { query: text, params });
    }
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const oid = statement.paramTypes[i]!;
      const serializer = options?.serializers?.[oid] ?? pg.serializers[oid];
      return serializer ? serializer(param) : String(param);
    });
    let messages: BackendMessage[];
    try {
      ({ messages } = await pg.execProtocol(
        joined([serialize.bind({ statement: statement.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
        { syncToFs: false },
      ));
    } catch (error) {
      // A table the statement reads changed its columns since it was parsed.
      if (retry && error instanceof Error && /cached plan must not change result type/.test(error.message)) {
        await forget(text);
        return execute(text, params, options, false);
      }
      throw Object.assign(error as Error, { query: text, params });
    }
    // Per-query parsers (Drizzle passes some with every query) are laid over
    // PGlite's own: parseResults would copy all ~300 of those into a new
    // object on each call (about 0.13 ms of this thread per query), where a
    // small object with PGlite's as its prototype resolves every type the same way.
    if (!options?.parsers) return parse.parseResults(messages, pg.parsers, options)[0] as Results<T>;
    const parsers = Object.assign(Object.create(pg.parsers) as typeof pg.parsers, options.parsers);
    return parse.parseResults(messages, parsers, { ...options, parsers: undefined })[0] as Results<T>;
  }

  // PGlite's own query for what a statement cannot carry (a file to COPY from or to).
  const plainQuery = client.query.bind(client);
  const plainTransaction = client.transaction.bind(client);
  const cacheable = (options: QueryOptions | undefined) => options?.blob === undefined;

  client.query = async function query<T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    if (!cacheable(options)) return plainQuery<T>(text, params, options);
    await pg._checkReady();
    return pg._runExclusiveTransaction(() =>
      pg._runExclusiveQuery(async () => {
        const result = await execute<T>(text, params, options);
        await pg.syncToFs();
        return result;
      }),
    );
  } as PGlite['query'];

  client.transaction = function transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    return plainTransaction((tx) => {
      const plainTxQuery = tx.query.bind(tx);
      const statementTx = Object.create(tx, {
        query: {
          value: <R>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<R>> => {
            if (tx.closed) throw new Error('Transaction is closed');
            if (!cacheable(options)) return plainTxQuery<R>(text, params, options);
            return pg._runExclusiveQuery(() => execute<R>(text, params, options));
          },
        },
      }) as Transaction;
      return callback(statementTx);
    });
  } as PGlite['transaction'];
}
