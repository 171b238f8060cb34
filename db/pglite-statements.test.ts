import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteTypeOptions } from './pglite-types';
import { preparePgliteStatements } from './pglite-statements';

// One plain client to compare with, one whose queries run as named statements (at most 3 kept).
let plain: PGlite;
let prepared: PGlite;

beforeAll(async () => {
  plain = await PGlite.create(pgliteTypeOptions);
  prepared = await PGlite.create(pgliteTypeOptions);
  preparePgliteStatements(prepared, 3);
  for (const pg of [plain, prepared]) {
    await pg.exec(`create table t (id int primary key, at timestamptz, doc jsonb, data bytea, amount numeric, label text)`);
  }
}, 120_000);
afterAll(async () => {
  await plain.close();
  await prepared.close();
});

const names = async (pg: PGlite) => (await pg.query<{ name: string }>(`select name from pg_prepared_statements order by name`)).rows.map((row) => row.name);

describe('preparePgliteStatements', () => {
  it('gives the same results as PGlite’s own query, for every kind of parameter and column', async () => {
    const params = [1, new Date('2026-12-06T18:00:00.123Z'), { a: [1, 'ü'] }, Buffer.from([0, 255, 7]), '12.50', null];
    for (const pg of [plain, prepared]) {
      await pg.query(`insert into t values ($1, $2, $3, $4, $5, $6)`, params);
    }
    const text = `select id, at, doc, data, amount, label from t where id = $1`;
    for (const rowMode of ['object', 'array'] as const) {
      const expected = await plain.query(text, [1], { rowMode });
      const actual = await prepared.query(text, [1], { rowMode });
      expect(actual.rows).toEqual(expected.rows);
      expect(actual.fields).toEqual(expected.fields);
    }
    const update = `update t set label = $2 where id = $1`;
    expect((await prepared.query(update, [1, 'x'])).affectedRows).toBe((await plain.query(update, [1, 'x'])).affectedRows);
  });

  it('applies a query’s own parsers over PGlite’s, as PGlite’s own query does, and leaves PGlite’s alone', async () => {
    for (const pg of [plain, prepared]) {
      await pg.query(`insert into t values ($1, $2, $3, null, $4, $5)`, [90, new Date('2026-12-07T03:00:00Z'), { b: 1 }, '7.25', 'y']);
    }
    // As Drizzle passes them: timestamps kept as text, and here also one more type (int4) read differently.
    const parsers = { 1184: (value: string) => value, 23: (value: string) => `#${value}` };
    const text = `select id, at, doc, amount, label from t where id = $1`;
    for (const rowMode of ['object', 'array'] as const) {
      const expected = await plain.query(text, [90], { rowMode, parsers });
      const actual = await prepared.query(text, [90], { rowMode, parsers });
      expect(actual.rows).toEqual(expected.rows);
      expect(JSON.stringify(actual.rows)).toContain('#90');
    }
    // The next query without parsers gets PGlite's: a Date and a number again.
    const [row] = (await prepared.query<{ id: number; at: Date }>(text, [90])).rows;
    expect(row!.id).toBe(90);
    expect(row!.at).toBeInstanceOf(Date);
    for (const pg of [plain, prepared]) await pg.query(`delete from t where id = 90`);
  });

  it('parses a statement once and runs it by name afterwards', async () => {
    const text = `select label from t where id = $1`;
    await prepared.query(text, [1]);
    const before = await names(prepared);
    expect((await prepared.query<{ label: string }>(text, [1])).rows).toEqual([{ label: 'x' }]);
    expect(await names(prepared)).toEqual(before);
    expect(before.length).toBeGreaterThan(0);
  });

  it('keeps no more statements than allowed, closing the least recently used', async () => {
    for (let i = 0; i < 6; i++) await prepared.query(`select ${i} as n`);
    // The listing query itself is one of the three.
    expect((await names(prepared)).length).toBeLessThanOrEqual(3);
    expect((await prepared.query<{ n: number }>(`select 0 as n`)).rows).toEqual([{ n: 0 }]);
  });

  it('parses a statement again when its table’s columns changed', async () => {
    const text = `select * from t where id = $1`;
    expect(Object.keys((await prepared.query<Record<string, unknown>>(text, [1])).rows[0]!)).not.toContain('extra');
    await prepared.exec(`alter table t add column extra int default 7`);
    expect((await prepared.query<Record<string, unknown>>(text, [1])).rows[0]!.extra).toBe(7);
    await prepared.exec(`alter table t drop column extra`);
  });

  it('runs a transaction’s statements inside it, and other queries after it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const transaction = prepared.transaction(async (tx) => {
      await tx.query(`insert into t (id, label) values ($1, $2)`, [2, 'pending']);
      await gate;
      await tx.rollback();
    });
    // Waits for the transaction: it must not see (or join) the uncommitted row.
    const outside = prepared.query<{ n: number }>(`select count(*)::int as n from t where id = $1`, [2]);
    release();
    await transaction;
    expect((await outside).rows).toEqual([{ n: 0 }]);
  });

  it('reports database errors with their code and the statement', async () => {
    const error = await prepared.query(`insert into t (id) values ($1)`, [1]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '23505', query: `insert into t (id) values ($1)` });
    await expect(prepared.query(`selec 1`)).rejects.toMatchObject({ code: '42601' });
    // The connection is usable afterwards, in and out of transactions.
    await prepared.transaction(async (tx) => {
      await expect(tx.query(`insert into t (id) values ($1)`, [1])).rejects.toMatchObject({ code: '23505' });
    }).catch(() => {});
    expect((await prepared.query<{ n: number }>(`select count(*)::int as n from t`)).rows).toEqual([{ n: 1 }]);
  });
});
