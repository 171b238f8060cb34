import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expectedReport,
  fixturePath,
  readFixtureRows,
  referenceCases,
  referenceDifferences,
} from '../../tests/fixtures/analysis/reference';
import { defaultTierOrder } from '~/analysis/analyze-responses';
import { analyzeThemes } from '~/analysis/theme-trends';
import { STARTER_THEMES } from '~/analysis/theme-starter';
import { analyze, csvFolder, RESPONSE_CSV_HEADER } from './analyze-test-io';

/** The SciPy reference covers the statistics; the `themes` key is checked against the in-memory coding, `engine` in analyze-engine.test.ts. */
function withoutThemes(document: Record<string, unknown>): Record<string, unknown> {
  const { themes, engine, ...rest } = document;
  expect(themes).toBeTypeOf('object');
  expect(engine).toBeTypeOf('object');
  return rest;
}

const HEADER = RESPONSE_CSV_HEADER;
const GOOD_ROW = 'C1,A,2026-Q3,2026-08-01T10:00:00Z,very,4,4,4,4,4,4,9,,,';
const { directory, csvFile } = csvFolder('analyze-test-');
let themesFileNumber = 0;

describe('analyze command against the SciPy reference', () => {
  for (const testCase of referenceCases()) {
    it(`prints the reference document for ${testCase.name}`, async () => {
      const tiers = testCase.tiers === null ? [] : ['--tiers', testCase.tiers.join(',')];
      const result = await analyze('--input', fixturePath(testCase.csv), '--period', testCase.period, ...tiers);
      expect(result.stderr).not.toMatch(/error|line \d/i);
      expect(result.code).toBe(0);
      expect(result.stdout.endsWith('}\n')).toBe(true);
      const document = JSON.parse(result.stdout);
      expect(referenceDifferences(withoutThemes(document), expectedReport(testCase))).toEqual([]);
      const rows = readFixtureRows(testCase.csv);
      const tierOrder = testCase.tiers ?? defaultTierOrder(rows.map((row) => row.tier));
      expect(document.themes).toEqual(
        JSON.parse(JSON.stringify(analyzeThemes(rows, { period: testCase.period, tiers: tierOrder, themes: STARTER_THEMES }))),
      );
    });
  }

  it('accepts --name=value arguments and tiers with spaces around commas', async () => {
    const testCase = referenceCases().find(({ name }) => name === 'flags-and-text')!;
    const result = await analyze(`--input=${fixturePath(testCase.csv)}`, '--period=2026-Q3', '--tiers', 'Premium, Standard ,Basic');
    expect(result.code).toBe(0);
    expect(referenceDifferences(withoutThemes(JSON.parse(result.stdout)), expectedReport(testCase))).toEqual([]);
  });

  it('codes the free texts into themes, counting a later answer of the same quarter instead of the earlier one', async () => {
    const rows = Array.from({ length: 12 }, (_, index) => {
      const text = index < 3 ? 'Die Telefonerreichbarkeit' : index < 9 ? 'faire Preise' : '';
      return `C${index},A,2026-Q3,2026-08-01T10:00:00Z,very,4,4,4,4,4,4,9,${text},,`;
    });
    // C0 answers again later in the quarter: its reachability answer no longer counts.
    const path = csvFile(HEADER, ...rows, 'C0,A,2026-Q3,2026-09-01T10:00:00Z,very,4,4,4,4,4,4,9,price and fees,,');
    const result = await analyze('--input', path, '--period', '2026-Q3');
    expect(result.code).toBe(0);
    const themes = JSON.parse(result.stdout).themes;
    expect(themes.themes.map((theme: { key: string }) => theme.key)).toEqual(STARTER_THEMES.map((theme) => theme.key));
    const missMost = themes.byScope.A.missMost;
    expect(missMost.n).toBe(9);
    expect(missMost.themes.find((share: { theme: string }) => share.theme === 'reachability')).toMatchObject({ count: 2, share: null });
    expect(themes.byScope.overall.missMost.themes.find((share: { theme: string }) => share.theme === 'price')).toMatchObject({ count: 7, share: null });
    expect(themes.erodingStrengths).toEqual([]);
  });
});

describe('analyze command errors', () => {
  async function expectInputError(result: Awaited<ReturnType<typeof analyze>>, message: RegExp) {
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  }

  it('names a missing column', async () => {
    const header = HEADER.replace(',miss_us', '');
    const row = GOOD_ROW.replace(',very', '');
    await expectInputError(await analyze('--input', csvFile(header, row), '--period', '2026-Q3'), /line 1, column miss_us: missing column/);
  });

  it('names an out-of-range value with its line and column', async () => {
    const path = csvFile(HEADER, GOOD_ROW, GOOD_ROW.replace(',9,,,', ',11,,,'));
    await expectInputError(await analyze('--input', path, '--period', '2026-Q3'), /line 3, column recommend: "11" is not an integer from 0 to 10/);
  });

  it('rejects a scale answer that is not an integer', async () => {
    const path = csvFile(HEADER, GOOD_ROW.replace('very,4,', 'very,4.5,'));
    await expectInputError(await analyze('--input', path, '--period', '2026-Q3'), /line 2, column treat_valued/);
  });

  it('names an unknown miss_us value', async () => {
    const path = csvFile(HEADER, GOOD_ROW.replace(',very,', ',maybe,'));
    await expectInputError(await analyze('--input', path, '--period', '2026-Q3'), /line 2, column miss_us: unknown value "maybe"/);
  });

  it('reports a period that no row has', async () => {
    const path = csvFile(HEADER, GOOD_ROW);
    await expectInputError(await analyze('--input', path, '--period', '2026-Q4'), /column period: no row has the period 2026-Q4/);
  });

  it('names a malformed period and a malformed completed_at', async () => {
    const path = csvFile(HEADER, GOOD_ROW, GOOD_ROW.replace('2026-Q3', '2026-Q5'), GOOD_ROW.replace('2026-08-01T', '2026-13-01T'));
    const result = await analyze('--input', path, '--period', '2026-Q3');
    await expectInputError(result, /line 3, column period: "2026-Q5"/);
    expect(result.stderr).toMatch(/line 4, column completed_at: "2026-13-01T10:00:00Z" is not an ISO 8601 date-time/);
  });

  it('names a tier that is not in --tiers', async () => {
    const path = csvFile(HEADER, GOOD_ROW, GOOD_ROW.replace(',A,', ',X,'));
    await expectInputError(await analyze('--input', path, '--period', '2026-Q3', '--tiers', 'A,B'), /line 3, column tier: tier "X"/);
  });

  it('counts physical lines when quoted fields span lines', async () => {
    const multiLine = GOOD_ROW.replace(/,,,$/, ',"first line\nsecond, ""quoted""\nthird",,');
    const path = csvFile(HEADER, multiLine, GOOD_ROW.replace(',very,', ',sehr,'));
    await expectInputError(await analyze('--input', path, '--period', '2026-Q3'), /line 5, column miss_us/);
  });

  it('reports broken quoting with line and column', async () => {
    const path = csvFile(HEADER, GOOD_ROW, GOOD_ROW.replace(/,,,$/, ',say "hi",,'));
    await expectInputError(await analyze('--input', path, '--period', '2026-Q3'), /line 3, column miss_most: a quote inside an unquoted field/);
  });

  it('reports a record with too few fields', async () => {
    const path = csvFile(HEADER, 'C1,A,2026-Q3');
    await expectInputError(await analyze('--input', path, '--period', '2026-Q3'), /line 2, column completed_at: the record has 3 fields/);
  });

  it('reports an unreadable file', async () => {
    await expectInputError(await analyze('--input', join(directory, 'missing.csv'), '--period', '2026-Q3'), /cannot read the file \(ENOENT\)/);
    await expectInputError(await analyze('--input', directory, '--period', '2026-Q3'), /cannot read the file \(EISDIR\)/);
  });

  it('reports an empty file', async () => {
    const path = join(directory, 'empty.csv');
    writeFileSync(path, '');
    await expectInputError(await analyze('--input', path, '--period', '2026-Q3'), /line 1: the file is empty/);
  });

  it('shows the usage for bad arguments', async () => {
    for (const argv of [
      ['--input', 'x.csv'],
      ['--period', '2026-Q3'],
      ['--input', 'x.csv', '--period', 'Q3-2026'],
      ['--input', 'x.csv', '--period', '2026-Q3', '--tiers', 'A,,B'],
      ['--input', 'x.csv', '--period', '2026-Q3', '--tiers', 'A,A'],
      ['--input', 'x.csv', '--period', '2026-Q3', '--verbose'],
      ['--input', 'x.csv', '--period', '2026-Q3', 'extra'],
    ]) {
      await expectInputError(await analyze(...argv), /usage: cli analyze --input FILE\.csv --period/);
    }
  });
});

describe('analyze with a theme file (--themes)', () => {
  function jsonFile(content: unknown): string {
    const path = join(directory, `themes-${++themesFileNumber}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }
  const INVOICES = { key: 'invoices', name: { de: 'Rechnungen', en: 'Invoices' }, words: { de: ['Rechnung'], en: ['invoice', 'billing'] } };
  const REACH = { key: 'reach', name: { de: 'Erreichbarkeit', en: 'Reachability' }, words: { de: ['erreichbar'], en: ['reachable'] } };
  const rows = (texts: Array<[string, string]>) =>
    texts.map(([missMost, improve], index) => `C${index},A,2026-Q3,2026-08-01T10:00:00Z,very,4,4,4,4,4,4,9,${missMost},,${improve}`);

  it("codes with the file's themes, in its order, negated mentions only in improve", async () => {
    const csv = csvFile(
      HEADER,
      ...rows([
        ['Die Sammelrechnungen', 'nie erreichbar'],
        ['clear invoices', 'Rechnungen früher'],
        ['nicht erreichbar', ''],
        ['Telefonerreichbarkeit', 'no billing errors please'],
      ]),
    );
    const result = await analyze('--input', csv, '--period', '2026-Q3', '--themes', jsonFile([INVOICES, REACH]));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/2 themes \(.*themes-\d+\.json\)/);
    const themes = JSON.parse(result.stdout).themes;
    expect(themes.themes).toEqual([
      { key: 'invoices', name: INVOICES.name },
      { key: 'reach', name: REACH.name },
    ]);
    const counts = (item: string) => themes.byScope.A[item].themes.map((share: { theme: string; count: number }) => [share.theme, share.count]);
    // "nicht erreichbar" is not what they would miss; "nie erreichbar" is what to improve.
    expect(counts('missMost')).toEqual([['invoices', 2], ['reach', 1]]);
    expect(counts('improve')).toEqual([['invoices', 2], ['reach', 1]]);
    // The statistics keys do not depend on the themes.
    const starter = JSON.parse((await analyze('--input', csv, '--period', '2026-Q3')).stdout);
    expect(withoutThemes(JSON.parse(result.stdout))).toEqual(withoutThemes(starter));
  });

  it('accepts an empty theme list', async () => {
    const csv = csvFile(HEADER, GOOD_ROW);
    const result = await analyze('--input', csv, '--period', '2026-Q3', '--themes', jsonFile([]));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).themes.themes).toEqual([]);
  });

  it('refuses a bad theme file with a message that says where, and prints nothing', async () => {
    const csv = csvFile(HEADER, GOOD_ROW);
    const cases: Array<[unknown, RegExp]> = [
      ['[{"key": "a",', /--themes .*themes-\d+\.json: not valid JSON/],
      [{ themes: [INVOICES] }, /a theme file is a JSON list of themes/],
      [[{ ...INVOICES, words: { de: ['Rechnung'] } }], /\[0\]\.words\.en: must be a list of key words/],
      [[INVOICES, { ...REACH, name: { de: '', en: 'Reach' } }], /\[1\]\.name\.de: the German name must not be empty/],
      [[{ ...INVOICES, words: { de: [42], en: [] } }], /\[0\]\.words\.de\[0\]: a key word must be a text/],
      [[INVOICES, { ...REACH, key: 'invoices' }], /\[1\]\.key: the key "invoices" is used twice/],
      [[{ ...INVOICES, keywords: INVOICES.words }], /\[0\]: unknown field "keywords"/],
    ];
    for (const [content, message] of cases) {
      const result = await analyze('--input', csv, '--period', '2026-Q3', '--themes', jsonFile(content));
      expect(result.code, String(message)).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    }
    const missing = await analyze('--input', csv, '--period', '2026-Q3', '--themes', join(directory, 'none.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--themes .*none\.json: cannot read the file \(ENOENT\)/);
    const both = await analyze('--input', csv, '--period', '2026-Q3', '--themes', jsonFile([]), '--workspace', 'demo');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give --themes or --workspace, not both/);
  });
});
