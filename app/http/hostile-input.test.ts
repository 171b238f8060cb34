import { describe, expect, it } from 'vitest';
import { emailField, loginSchema, signupSchema } from '../auth/forms';
import { tokenHash } from '../auth/tokens.server';
import { upsertCustomersBody } from '../customers/api-sync.server';
import { CsvSplitter } from '../customers/csv-splitter';
import { detectDelimiter, matchHeader, normalizeHeader } from '../customers/import-columns';
import { inspectFile, scanCustomerFile } from '../customers/import-read';
import { customerRowSchema } from '../customers/import-row';
import { normalizeEmail, parseAmount, parseLocale, parsePeriod } from '../customers/import-values';
import { isPeriod } from '../customers/period';
import { localeFromAcceptLanguage } from '../i18n/locale.server';
import { isWellFormedToken } from '../surveys/invitation-token.server';
import { lexiconPhrasesIn } from '../analysis/lexicon';
import { parseIsoInstant } from '../analysis/iso-instant';
import { normalisedPath } from './body-limit.server';

// Every parser of text a visitor, customer, member or API client controls,
// fed strings built to make a backtracking pattern or a rescanning loop take
// quadratic time. 64 K characters is the most a CSV record or a form may
// carry; a linear parser needs a few milliseconds for it, the old currency
// pattern 7-9 s. The budget is generous, because a shared 2-core machine
// under load runs everything several times slower, yet far below what
// quadratic work takes.
const BUDGET_MS = 1_000;
const N = 64 * 1024;

/** Strings that have made real parsers take quadratic time: long runs of one character, repeated prefixes without their closing part. */
function hostileStrings(n: number): Record<string, string> {
  const half = Math.floor(n / 2);
  return {
    spaces: ' '.repeat(n),
    'digit, spaces, letter': `1${' '.repeat(n)}x`,
    'spaces then a currency-like end': `${' '.repeat(n)}eu`,
    'no-break spaces': `1${'\u00a0'.repeat(n)}x`,
    digits: '9'.repeat(n),
    'digits then a letter': `${'1'.repeat(n)}x`,
    'digit-comma pairs': '1,'.repeat(half),
    'digit-dot pairs then a letter': `${'1.'.repeat(half)}x`,
    'opening brackets': '('.repeat(n),
    'opening square brackets': '['.repeat(n),
    quotes: '"'.repeat(n),
    'minus signs and spaces': '- '.repeat(half),
    'closing bracket, spaces, letter': `)${' '.repeat(n)}x`,
    'at signs': '@'.repeat(n),
    'label dots before an at sign': `${'a.'.repeat(half)}@`,
    'domain labels without an end': `a@${'a-'.repeat(half)}`,
    'domain labels with a bad end': `a@${'a.'.repeat(half)}-`,
    'letters then an at sign': `${'a'.repeat(n)}@`,
    'currency words': 'eur '.repeat(Math.floor(n / 4)),
    'euro signs': '€'.repeat(n),
    semicolons: ';'.repeat(n),
    tabs: '\t'.repeat(n),
    'language tags': 'de-'.repeat(Math.floor(n / 3)),
    'quarter-like': '2026-q'.repeat(Math.floor(n / 6)),
    'date-like': '2026-01-01T'.repeat(Math.floor(n / 11)),
    'accept-language entries': 'de;q=0.5,'.repeat(Math.floor(n / 9)),
    'path segments': '/..'.repeat(Math.floor(n / 3)),
    'percent escapes': '%2e'.repeat(Math.floor(n / 3)),
    umlauts: 'ä'.repeat(n),
    'combining marks': 'a\u0308'.repeat(half),
    'lexicon words without their phrase': 'nicht '.repeat(Math.floor(n / 6)),
    'base64url alphabet': 'A'.repeat(n),
  };
}

/** Milliseconds `parse` takes for each hostile string; fails with the slowest ones. */
async function expectFast(name: string, parse: (text: string) => unknown, n = N, budgetMs = BUDGET_MS) {
  const slow: string[] = [];
  for (const [what, text] of Object.entries(hostileStrings(n))) {
    const started = performance.now();
    await parse(text);
    const ms = performance.now() - started;
    if (ms > budgetMs) slow.push(`${name} on ${what} (${text.length} chars): ${ms.toFixed(0)} ms`);
  }
  expect(slow).toEqual([]);
}

const rules = { tierPositions: new Map([['a', 1], ['b', 2], ['c', 3]]), tiersFromColumn: false, abcColumn: 'margin' as const, notation: 'de' as const, period: '2026-Q4' };

describe('parsers of user input stay linear on hostile strings', () => {
  it('amounts, in both notations', async () => {
    await expectFast('parseAmount en', (text) => parseAmount(text, 'en'));
    await expectFast('parseAmount de', (text) => parseAmount(text, 'de'));
  });

  it('the other CSV cells: locale, quarter, email, and a whole row', async () => {
    await expectFast('parseLocale', parseLocale);
    await expectFast('parsePeriod', parsePeriod);
    await expectFast('isPeriod', isPeriod);
    await expectFast('normalizeEmail', normalizeEmail);
    const schema = customerRowSchema(rules);
    await expectFast('a row with the string in every column', (text) =>
      schema.safeParse({ external_id: text, email: text, name: text, company: text, locale: text, tier: text, revenue: text, margin: `-${text}`, period: text }),
    );
  });

  it('CSV headers and records', async () => {
    await expectFast('normalizeHeader', normalizeHeader);
    await expectFast('matchHeader', (text) => matchHeader([text, text]));
    await expectFast('detectDelimiter', detectDelimiter);
    await expectFast('CsvSplitter', (text) => {
      const splitter = new CsvSplitter(';');
      try {
        for (let i = 0; i < text.length; i += 1000) splitter.push(text.slice(i, i + 1000), () => undefined);
        splitter.end(() => undefined);
      } catch {
        // A syntax error is an answer too.
      }
    });
  });

  it('a whole customer file with the string in every column, three rows each', async () => {
    await expectFast('scanCustomerFile', async (text) => {
      const cell = `"${text.replaceAll('"', '""')}"`;
      const header = 'external_id;email;name;company;locale;revenue;margin;period';
      const rows = Array.from({ length: 8 }, (_, column) =>
        Array.from({ length: 3 }, (_, row) => ['K-1', 'a@example.com', 'N', 'C', 'de', '1', '1', '2026-Q4'].map((value, i) => (i === column ? cell : `${value}${row}`)).join(';')),
      ).flat();
      const bytes = new TextEncoder().encode([header, ...rows].join('\n'));
      const source = async function* () {
        for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
      };
      const inspection = await inspectFile(source);
      if (!inspection.ok) return;
      await scanCustomerFile(source, { encoding: inspection.encoding, period: '2026-Q4', tierLabels: ['A', 'B', 'C'], tiersBy: 'auto' }, { row: () => undefined, error: () => undefined });
    }, N - 100);
  });

  it('form fields: login, sign-up, emails', async () => {
    await expectFast('emailField', (text) => emailField.safeParse(text));
    await expectFast('loginSchema', (text) => loginSchema.safeParse({ email: text, password: text, redirectTo: text }));
    await expectFast('signupSchema', (text) => signupSchema.safeParse({ workspaceName: text, name: text, email: text, password: text }));
  });

  it('API bodies, at the 2 MB an API request may carry', async () => {
    await expectFast(
      'upsertCustomersBody',
      (text) => upsertCustomersBody.safeParse({ customers: [{ externalId: text, email: text, name: text, company: text, locale: text, tier: text }] }),
      2 * 1024 * 1024 - 200,
      // 32 times the text of the other cases, so linear work takes longer too.
      4 * BUDGET_MS,
    );
  });

  it('tokens, dates, headers and paths', async () => {
    await expectFast('isWellFormedToken', isWellFormedToken);
    await expectFast('tokenHash', tokenHash);
    await expectFast('parseIsoInstant', parseIsoInstant);
    await expectFast('localeFromAcceptLanguage', localeFromAcceptLanguage);
    await expectFast('normalisedPath', (text) => normalisedPath({ originalUrl: `/${text}` }));
  });

  it('survey free text against the second-class lexicon', async () => {
    await expectFast('lexiconPhrasesIn', (text) => lexiconPhrasesIn(text, ['bigger clients', 'nicht wichtig genug']));
  });
});
