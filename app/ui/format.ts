/** Figures below this many answers are shown as "too few answers" (DESIGN.md). */
export const MIN_ANSWERS = 10;

// Making an Intl.NumberFormat costs far more than formatting with one; a
// report page formats hundreds of figures, so each formatter is made once.
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(key: string, locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let format = numberFormats.get(`${locale}|${key}`);
  if (!format) numberFormats.set(`${locale}|${key}`, (format = new Intl.NumberFormat(locale, options)));
  return format;
}

export function formatPercent(share: number, locale: string): string {
  return numberFormat('percent', locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

export function formatNumber(value: number, locale: string, digits = 0): string {
  return numberFormat(`number${digits}`, locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

export function formatDate(value: string | Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(value));
}
