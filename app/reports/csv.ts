/**
 * CSV for download, in one of two formats:
 * - `excel`, what members' downloads default to (`csvFormatOf`): what German
 *   Excel opens by a double click: semicolons, decimal comma, dates as
 *   TT.MM.JJJJ, UTF-8 with BOM;
 * - `international` for other tools: commas, decimal point, ISO 8601 dates.
 * Cells are quoted as RFC 4180 says. Text that a spreadsheet would run as a
 * formula is defused (see `defused`): a customer's free text must never
 * become a formula in someone's Excel.
 */
export const csvFormats = ['excel', 'international'] as const;
export type CsvFormat = (typeof csvFormats)[number];

/** A date (shown without time), a point in time, or a share 0–1 (shown as a percentage, to 0.1 %). */
export type CsvValue = { kind: 'date' | 'datetime'; value: Date | string } | { kind: 'share'; value: number } | { kind: 'number'; value: number; digits: number };
export type Cell = string | number | null | undefined | CsvValue;

export const csvDate = (value: Date | string | null | undefined): Cell => (value == null ? null : { kind: 'date', value });
export const csvDateTime = (value: Date | string | null | undefined): Cell => (value == null ? null : { kind: 'datetime', value });
export const csvShare = (value: number | null | undefined): Cell => (value == null || !Number.isFinite(value) ? null : { kind: 'share', value });
/** A number rounded for reading (means to 2 places, say). */
export const csvNumber = (value: number | null | undefined, digits: number): Cell => (value == null || !Number.isFinite(value) ? null : { kind: 'number', value, digits });

/** The format a download link asks for (`?format=international`); Excel otherwise. */
export function csvFormatOf(params: URLSearchParams): CsvFormat {
  return params.get('format') === 'international' ? 'international' : 'excel';
}

// Dates as the members' calendar has them (the product's users are in Germany, Austria and Switzerland).
const TIME_ZONE = 'Europe/Berlin';
const germanDate = new Intl.DateTimeFormat('de-DE', { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });
const germanTime = new Intl.DateTimeFormat('de-DE', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const isoDate = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

function numberText(value: number, format: CsvFormat): string {
  if (!Number.isFinite(value)) return '';
  const text = String(value);
  return format === 'excel' ? text.replace('.', ',') : text;
}

function valueText(value: CsvValue, format: CsvFormat): string {
  switch (value.kind) {
    case 'number':
      return numberText(Number(value.value.toFixed(value.digits)), format);
    case 'share': {
      // Always one decimal, so a column of shares lines up (34,0 % beside 34,6 %); no "-0,0 %".
      const percent = Math.abs(value.value) < 0.0005 ? '0.0' : (value.value * 100).toFixed(1);
      return format === 'excel' ? `${percent.replace('.', ',')} %` : `${percent}%`;
    }
    case 'date':
    case 'datetime': {
      const date = value.value instanceof Date ? value.value : new Date(value.value);
      if (Number.isNaN(date.getTime())) return '';
      if (format === 'international') return value.kind === 'date' ? isoDate.format(date) : date.toISOString();
      return value.kind === 'date' ? germanDate.format(date) : `${germanDate.format(date)} ${germanTime.format(date)}`;
    }
  }
}

/**
 * Text with every formula trigger (= + - @, tab, carriage return) neutralised
 * by an apostrophe: at the start of the cell, and after a semicolon, comma or
 * tab inside it, where a program that splits the line on another separator
 * would start a new cell (OWASP, CSV injection).
 */
export function defused(text: string): string {
  return text.replace(/(^|[;,\t])(?=[=+\-@\t\r])/g, "$1'");
}

/** One cell as CSV text: numbers and typed values formatted, text defused and quoted where needed. */
export function csvCell(value: Cell, format: CsvFormat = 'international'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return numberText(value, format);
  const text = typeof value === 'string' ? defused(value) : valueText(value, format);
  const separator = format === 'excel' ? ';' : ',';
  return text.includes(separator) || /["\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The line separator and BOM-led header of a file, for code that streams the rows itself. */
export function csvLine(cells: readonly Cell[], format: CsvFormat = 'international'): string {
  return `${cells.map((value) => csvCell(value, format)).join(format === 'excel' ? ';' : ',')}\r\n`;
}

export const CSV_BOM = '\uFEFF';

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[], format: CsvFormat = 'international'): string {
  return `${CSV_BOM}${[header, ...rows].map((row) => csvLine(row, format)).join('')}`;
}

/** A download response for CSV text. */
export function csvResponse(filename: string, body: string): Response {
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'Cache-Control': 'no-store',
    },
  });
}
