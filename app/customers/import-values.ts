import { domainToASCII } from 'node:url';

/** Number notation of a file: `1,234.56` (English) or `1.234,56` (German). */
export type NumberNotation = 'en' | 'de';

export type AmountResult = { ok: true; cents: number } | { ok: false; error: 'not_a_number' | 'negative' | 'too_large' };

/** Amounts up to a trillion fit numeric(16, 2) and stay exact as integer cents. */
const MAX_CENTS = 100_000_000_000_000;

/** `EUR 1.000.000.000.000,00 ` with room to spare. */
export const MAX_AMOUNT_CHARS = 64;

/**
 * Reads an amount such as `1.234,56 €`, `1,234.56`, `EUR 1234` or `12,5`.
 * A lone separator followed by exactly three digits (`1.234`, `1,234`) is
 * ambiguous; the file's notation decides it. Returns integer cents, rounded
 * half up.
 */
export function parseAmount(text: string, notation: NumberNotation): AmountResult {
  // No amount is written in more characters; longer text is not read any further.
  if (text.length > MAX_AMOUNT_CHARS) return { ok: false, error: 'not_a_number' };
  // The suffix is cut before the trailing spaces are: `\s*(€|…)$` tried every
  // start position of a run of spaces, quadratic in its length (60,000 spaces took 7 s).
  let s = text
    .trim()
    .replace(/^(€|eur|euro|\$|usd|chf|£|gbp)\s*/i, '')
    .replace(/(€|eur|euro|\$|usd|chf|£|gbp)$/i, '')
    .trimEnd()
    .replace(/[\s\u00a0\u202f'’]/g, '');
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (/^[-−]/.test(s) || /-$/.test(s)) negative = true;
  s = s.replace(/^[-−+]|-$/g, '');
  if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return { ok: false, error: 'not_a_number' };
  if (negative && /[1-9]/.test(s)) return { ok: false, error: 'negative' };

  const decimal = decimalSeparator(s, notation);
  if (decimal === null) return { ok: false, error: 'not_a_number' };
  const thousands = decimal === '.' ? ',' : '.';
  const [whole = '', fraction = '', ...rest] = s.split(decimal);
  if (rest.length > 0) return { ok: false, error: 'not_a_number' };
  if (whole.includes(thousands) && !/^\d{1,3}([.,]\d{3})+$/.test(whole)) return { ok: false, error: 'not_a_number' };
  if (fraction.includes(thousands)) return { ok: false, error: 'not_a_number' };
  const digits = whole.replaceAll(thousands, '') || '0';
  const fractionDigits = (fraction + '000').slice(0, 3);
  const cents = Number(digits) * 100 + Math.floor((Number(fractionDigits) + 5) / 10);
  if (!Number.isSafeInteger(cents) || cents > MAX_CENTS) return { ok: false, error: 'too_large' };
  return { ok: true, cents };
}

/** The decimal separator of a number written with `.` and `,`, or null when none; `','`/`'.'` when there is one. */
function decimalSeparator(s: string, notation: NumberNotation): '.' | ',' | null {
  const dots = countOf(s, '.');
  const commas = countOf(s, ',');
  if (dots === 0 && commas === 0) return notation === 'de' ? ',' : '.';
  if (dots > 0 && commas > 0) {
    const last = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    return countOf(s, last) === 1 ? last : null;
  }
  const separator = dots > 0 ? '.' : ',';
  // Repeated: a thousands separator, so the other one is the (absent) decimal separator.
  if (dots + commas > 1) return separator === '.' ? ',' : '.';
  const afterSeparator = s.length - s.indexOf(separator) - 1;
  const beforeSeparator = s.indexOf(separator);
  const ambiguous = afterSeparator === 3 && beforeSeparator >= 1 && beforeSeparator <= 3 && !s.startsWith('0');
  if (!ambiguous) return separator;
  const notationDecimal = notation === 'de' ? ',' : '.';
  return separator === notationDecimal ? separator : notationDecimal;
}

function countOf(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/** `de`, `DE-at`, `Deutsch`, `German` → `de`; `en`, `en-GB`, `Englisch` → `en`; anything else null. */
export function parseLocale(text: string): 'de' | 'en' | null {
  const s = text.trim().toLowerCase();
  if (/^(de|deu|ger|german|deutsch)([-_][a-z]+)?$/.test(s)) return 'de';
  if (/^(en|eng|english|englisch)([-_][a-z]+)?$/.test(s)) return 'en';
  return null;
}

/** `2026-q4` → `2026-Q4`; null when the text is not a quarter. */
export function parsePeriod(text: string): string | null {
  const match = /^(\d{4})-?q([1-4])$/i.exec(text.trim());
  return match ? `${match[1]}-Q${match[2]}` : null;
}

/** Cents as the decimal text PostgreSQL's numeric reads: 123456 → `1234.56`. */
export function centsToDecimal(cents: number): string {
  const whole = Math.floor(cents / 100);
  return `${whole}.${String(cents % 100).padStart(2, '0')}`;
}

/**
 * Trimmed and lower-cased; an internationalised domain (`info@müller.de`) in
 * its ASCII form (`info@xn--mller-kva.de`), which is what mail servers use.
 */
export function normalizeEmail(text: string): string {
  const email = text.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  // eslint-disable-next-line no-control-regex
  if (at < 1 || /^[\u0000-\u007f]*$/.test(email)) return email;
  const domain = domainToASCII(email.slice(at + 1));
  return domain ? `${email.slice(0, at)}@${domain}` : email;
}

/** Employee bands, smallest first (the EU's micro/small/medium split, with large companies split at 1,000). */
export const SIZE_BANDS = ['1-9', '10-49', '50-249', '250-999', '1000+'] as const;
export type SizeBand = (typeof SIZE_BANDS)[number];

/** The band an employee count falls in. */
export function sizeBandOf(employees: number): SizeBand {
  if (employees < 10) return '1-9';
  if (employees < 50) return '10-49';
  if (employees < 250) return '50-249';
  if (employees < 1000) return '250-999';
  return '1000+';
}

/**
 * Company size as an employee band: a count (`35`, `1.200`, `1,200`) becomes
 * its band; a band written as a range (`10-49`, `10 – 49`, `250 bis 999`) or
 * as `1000+` / `>1000` is read as the band its lower bound falls in. Anything
 * else is null (the row is refused, so no free text hides in the band).
 */
export function parseSizeBand(text: string): SizeBand | null {
  const s = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (s.length > 40) return null;
  const count = /^(\d{1,3}(?:[.,'’ ]\d{3})*|\d+)(?: ?\+| ?(?:-|–|—|bis|to) ?(\d{1,3}(?:[.,'’ ]\d{3})*|\d+))?(?: ?(?:employees|mitarbeiter(?:innen)?|ma))?$/.exec(s.replace(/^(>|über|ueber|more than|mehr als) ?/, ''));
  if (!count) return null;
  const lower = Number(count[1]!.replace(/[.,'’ ]/g, ''));
  if (!Number.isSafeInteger(lower) || lower < 1) return null;
  if (count[2] !== undefined && Number(count[2].replace(/[.,'’ ]/g, '')) < lower) return null;
  return sizeBandOf(lower);
}

/**
 * A "customer since" date: ISO `2019-03-01`, German `01.03.2019`, a month
 * `2019-03` or `03/2019`, or a year `2019` (read as its first day). Returns
 * `YYYY-MM-DD`, or null when the text is not a date between 1900 and today
 * (`today`, `YYYY-MM-DD`, so tests can fix it).
 */
export function parseCustomerSince(text: string, today = new Date().toISOString().slice(0, 10)): string | null {
  const s = text.trim();
  let parts: [number, number, number] | null = null;
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$/.exec(s))) parts = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s))) parts = [Number(match[3]), Number(match[2]), Number(match[1])];
  else if ((match = /^(\d{4})-(\d{1,2})$/.exec(s))) parts = [Number(match[1]), Number(match[2]), 1];
  else if ((match = /^(\d{1,2})[/.](\d{4})$/.exec(s))) parts = [Number(match[2]), Number(match[1]), 1];
  else if ((match = /^(\d{4})$/.exec(s))) parts = [Number(match[1]), 1, 1];
  if (parts === null) return null;
  const [year, month, day] = parts;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  const iso = date.toISOString().slice(0, 10);
  return year < 1900 || iso > today ? null : iso;
}
