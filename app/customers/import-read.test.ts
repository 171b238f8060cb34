import { describe, expect, it } from 'vitest';
import { ImportPlanBuilder, abcPosition } from './import-plan';
import { inspectFile, scanCustomerFile, type ByteSource, type ScanOptions } from './import-read';

/** A source that hands out `bytes` in pieces of `size`. */
function bytesSource(bytes: Uint8Array, size = 7): ByteSource {
  return async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  };
}
const utf8 = (text: string) => new TextEncoder().encode(text);
const windows1252 = (text: string) => Uint8Array.from(text, (char) => (char === '€' ? 0x80 : char.charCodeAt(0)));

const options: Omit<ScanOptions, 'encoding'> = { period: '2026-Q4', tierLabels: ['A', 'B', 'C'], tiersBy: 'auto' };

async function plan(bytes: Uint8Array, overrides: Partial<ScanOptions> = {}, thresholds = { a: 0.8, b: 0.95 }) {
  const inspection = await inspectFile(bytesSource(bytes));
  if (!inspection.ok) throw new Error(`Not readable: ${inspection.error.code}`);
  const builder = new ImportPlanBuilder(overrides.tierLabels ?? options.tierLabels, thresholds);
  const rows: Array<{ externalId: string; line: number }> = [];
  const visitor = {
    header: builder.header.bind(builder),
    row: (row: Parameters<ImportPlanBuilder['row']>[0], line: number, index: number) => {
      rows.push({ ...row, line });
      builder.row(row, line, index);
    },
    error: builder.error.bind(builder),
  };
  const count = await scanCustomerFile(bytesSource(bytes), { ...options, encoding: inspection.encoding, ...overrides }, visitor);
  const result = builder.finish(count);
  return { inspection, ...result, rows };
}

describe('inspectFile', () => {
  it('recognises UTF-8 with and without BOM, and Windows-1252', async () => {
    expect(await inspectFile(bytesSource(utf8('\uFEFFa;b\n1;ä')))).toMatchObject({ ok: true, encoding: 'utf-8' });
    expect(await inspectFile(bytesSource(utf8('a;b\n1;ä')))).toMatchObject({ ok: true, encoding: 'utf-8' });
    expect(await inspectFile(bytesSource(windows1252('a;b\n1;Müller €')))).toMatchObject({ ok: true, encoding: 'windows-1252' });
  });

  it('refuses empty, PDF, Excel and binary files, and files over the limit', async () => {
    const code = async (bytes: Uint8Array, max?: number) => {
      const result = await inspectFile(bytesSource(bytes), max);
      return result.ok ? 'ok' : result.error.code;
    };
    expect(await code(new Uint8Array())).toBe('file_empty');
    expect(await code(utf8('\uFEFF \r\n\r\n'))).toBe('file_empty');
    expect(await code(utf8('%PDF-1.7\n%âãÏÓ\n1 0 obj'))).toBe('file_pdf');
    expect(await code(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0]))).toBe('file_spreadsheet');
    expect(await code(Uint8Array.from({ length: 500 }, (_, i) => (i * 7) % 256))).toBe('file_binary');
    expect(await code(utf8('a,b\n'.repeat(100)), 100)).toBe('file_too_large');
  });
});

describe('scanCustomerFile', () => {
  it('reads a German Excel file: Windows-1252, semicolons, decimal commas, quoted line breaks', async () => {
    const text =
      'Kundennummer;E-Mail;Name;Firma;Sprache;Stufe;Umsatz\r\n' +
      'K-1;anna@example.com;Anna Müller;"Müller; Söhne\r\nGmbH";Deutsch;A;1.234,56\r\n' +
      'K-2;BEN@Example.com;Ben;;en;c;12,5\r\n';
    const result = await plan(windows1252(text));
    expect(result.errors).toEqual([]);
    expect(result.header?.delimiter).toBe(';');
    expect(result.header?.tiersFrom).toBe('column');
    expect(result.rows).toEqual([
      expect.objectContaining({ externalId: 'K-1', email: 'anna@example.com', name: 'Anna Müller', company: 'Müller; Söhne GmbH', locale: 'de', tierPosition: 1, revenueCents: 123456, line: 2 }),
      expect.objectContaining({ externalId: 'K-2', email: 'ben@example.com', company: null, locale: 'en', tierPosition: 3, revenueCents: 1250, line: 4 }),
    ]);
  });

  it('reports every bad row with the line its record starts on and the column', async () => {
    const text = [
      'external_id,email,tier,revenue',
      'K-1,ok@example.com,A,10',
      '"K-2","not-an-email","B","20"',
      'K-3,c@example.com,Gold,30',
      'K-4,d@example.com,C,-5',
      'K-5,e@example.com,C,"lots\nof money"',
      'K-6,f@example.com,C,abc',
      'K-1,g@example.com,A,1',
      ',h@example.com,A,1',
      'K-9,i@example.com,A,1,surplus',
    ].join('\n');
    const result = await plan(utf8(text));
    expect(result.errors.map((error) => [error.line, error.column, error.code])).toEqual([
      [3, 'email', 'email_invalid'],
      [4, 'tier', 'tier_unknown'],
      [5, 'revenue', 'negative'],
      [6, 'revenue', 'not_a_number'],
      [8, 'revenue', 'not_a_number'],
      [9, 'external_id', 'external_id_repeated'],
      [10, 'external_id', 'external_id_missing'],
      [11, null, 'too_many_fields'],
    ]);
    expect(result.errors[1]!.params).toMatchObject({ value: 'Gold', tiers: 'A, B, C' });
    expect(result.errors[5]!.params).toMatchObject({ value: 'K-1', first: 2 });
    expect(result.indexById.size).toBe(1);
    expect(result.badRows).toBe(8);
  });

  it('names the columns that are missing', async () => {
    const result = await plan(utf8('Name;Firma\nAnna;X\n'));
    expect(result.errors.map((error) => [error.line, error.column, error.code])).toEqual([
      [1, 'external_id', 'column_missing'],
      [1, 'email', 'column_missing'],
      [1, 'tier', 'tier_source_missing'],
    ]);
    const byMargin = await plan(utf8('id,email,revenue\n1,a@example.com,5\n'), { tiersBy: 'margin' });
    expect(byMargin.errors.map((error) => [error.column, error.code])).toEqual([['margin', 'column_missing']]);
  });

  it('refuses a file with a header but no customers, and a header repeating a column', async () => {
    expect((await plan(utf8('id,email,tier\n,,\n\n'))).errors.map((error) => error.code)).toEqual(['no_rows']);
    expect((await plan(utf8('id,email,E-Mail,tier\n1,a@x.de,b@x.de,A\n'))).errors.map((error) => error.code)).toEqual(['column_repeated']);
  });

  it('stops at a CSV syntax error and reports its line', async () => {
    const result = await plan(utf8('id,email,tier\n1,a@example.com,A\n2,"b@example.com,B\n3,c@example.com,C\n'));
    expect(result.errors).toEqual([{ line: 3, column: null, code: 'quote_not_closed' }]);
  });

  it('checks a period column against the import period', async () => {
    const result = await plan(utf8('id,email,tier,Quartal\n1,a@example.com,A,2026-q4\n2,b@example.com,A,2026-Q3\n3,c@example.com,A,\n'));
    expect(result.errors.map((error) => [error.line, error.code, error.params?.value])).toEqual([[3, 'period_mismatch', '2026-Q3']]);
  });

  it('lists at most 1,000 problems and counts the rest', async () => {
    const text = `id,email,tier\n${Array.from({ length: 1500 }, (_, i) => `${i},bad,A`).join('\n')}`;
    const result = await plan(utf8(text));
    expect(result.errors).toHaveLength(1001);
    expect(result.errors[1000]).toMatchObject({ code: 'more_errors', line: 1002, params: { count: 500 } });
    expect(result.badRows).toBe(1500);
  });
});

describe('tiers by ABC analysis', () => {
  it('computes the tiers of the file from revenue, or margin when asked, ignoring a tier column then', async () => {
    const text = 'id,email,revenue,margin,tier\n1,a@x.de,50,1,C\n2,b@x.de,30,-4,C\n3,c@x.de,10,30,C\n4,d@x.de,5,2,C\n5,e@x.de,3,0,C\n6,f@x.de,2,0,C\n';
    const byRevenue = await plan(utf8(text), { tiersBy: 'revenue' });
    expect(Array.from(byRevenue.tierPositions)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(byRevenue.fileTiers).toEqual([
      { label: 'A', position: 1, customers: 2, valueCents: 8000 },
      { label: 'B', position: 2, customers: 2, valueCents: 1500 },
      { label: 'C', position: 3, customers: 2, valueCents: 500 },
    ]);
    // Margins 1, -4 (counts as 0), 30, 2, 0, 0: 30 is A; 2 is B (share before 30/33); 1 is C; zeros are C.
    const byMargin = await plan(utf8(text), { tiersBy: 'margin' });
    expect(Array.from(byMargin.tierPositions)).toEqual([3, 3, 1, 2, 3, 3]);
  });

  it('uses the file without a tier column, and requires a value in every row', async () => {
    const result = await plan(utf8('id,email,Umsatz\n1,a@x.de,100\n2,b@x.de,\n'));
    expect(result.errors.map((error) => [error.line, error.column, error.code])).toEqual([[3, 'revenue', 'abc_value_missing']]);
  });

  it('maps A, B, C onto two to five tiers', () => {
    expect(['A', 'B', 'C'].map((tier) => abcPosition(tier as 'A', 2))).toEqual([1, 2, 2]);
    expect(['A', 'B', 'C'].map((tier) => abcPosition(tier as 'A', 3))).toEqual([1, 2, 3]);
    expect(['A', 'B', 'C'].map((tier) => abcPosition(tier as 'A', 5))).toEqual([1, 2, 3]);
  });
});
