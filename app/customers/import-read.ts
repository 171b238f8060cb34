import { CsvSplitter, CsvSyntaxError } from './csv-splitter';
import { detectDelimiter, exampleHeaders, matchHeader, normalizeHeader, type HeaderMatch, type ImportColumn } from './import-columns';
import type { ImportError } from './import-report';
import { customerRowSchema, MAX_CELL_CHARS, overlongCell, type CustomerRow, type RowCells, type RowRules } from './import-row';
import type { NumberNotation } from './import-values';

/** A file that can be read from the start as often as needed (a file on disk, an upload in the database). */
export type ByteSource = () => AsyncIterable<Uint8Array>;

/** Uploads and files above this size are refused (the bad-input list of issue 3 names 50 MB). */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;
export const MAX_IMPORT_MEGABYTES = MAX_IMPORT_BYTES / 1024 / 1024;

export type TextEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export type Inspection = { ok: true; encoding: TextEncoding; bytes: number } | { ok: false; error: ImportError };

const fileError = (code: ImportError['code'], params?: ImportError['params']): ImportError => ({ line: null, column: null, code, params });

function startsWith(bytes: Uint8Array, ...prefix: number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/** Refuses what is not a text file, by its first bytes. */
function sniff(head: Uint8Array): ImportError | TextEncoding | null {
  if (startsWith(head, 0x25, 0x50, 0x44, 0x46, 0x2d)) return fileError('file_pdf'); // %PDF-
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04)) return fileError('file_spreadsheet'); // PK: xlsx, zip
  if (startsWith(head, 0xd0, 0xcf, 0x11, 0xe0)) return fileError('file_spreadsheet'); // old .xls
  if (startsWith(head, 0xff, 0xfe)) return 'utf-16le';
  if (startsWith(head, 0xfe, 0xff)) return 'utf-16be';
  const bom = startsWith(head, 0xef, 0xbb, 0xbf);
  const body = bom ? head.subarray(3) : head;
  if (body.includes(0)) return fileError('file_binary');
  let control = 0;
  for (const byte of body) if (byte < 9 || (byte > 13 && byte < 32)) control++;
  if (control > body.length / 100) return fileError('file_binary');
  // A UTF-8 BOM decides, even if a stray byte later is not UTF-8 (it becomes U+FFFD).
  return bom ? 'utf-8' : null;
}

/**
 * Reads the whole file once without keeping it: refuses empty, binary and
 * oversized files and finds the encoding (UTF-8 with or without BOM, else
 * Windows-1252 as Excel writes it; UTF-16 with a BOM).
 */
export async function inspectFile(source: ByteSource, maxBytes = MAX_IMPORT_BYTES): Promise<Inspection> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const head = new Uint8Array(8192);
  let headLength = 0;
  let bytes = 0;
  let validUtf8 = true;
  let content = false;
  for await (const chunk of source()) {
    bytes += chunk.length;
    if (bytes > maxBytes) return { ok: false, error: fileError('file_too_large', { max: MAX_IMPORT_MEGABYTES }) };
    if (headLength < head.length) {
      const part = chunk.subarray(0, head.length - headLength);
      head.set(part, headLength);
      headLength += part.length;
    }
    if (validUtf8) validUtf8 = decodes(utf8, chunk);
    content ||= hasContent(chunk);
  }
  if (validUtf8) validUtf8 = decodes(utf8, undefined);
  const sniffed = sniff(head.subarray(0, headLength));
  if (sniffed !== null && typeof sniffed === 'object') return { ok: false, error: sniffed };
  if (!content) return { ok: false, error: fileError('file_empty') };
  return { ok: true, encoding: sniffed ?? (validUtf8 ? 'utf-8' : 'windows-1252'), bytes };
}

function decodes(decoder: TextDecoder, bytes: Uint8Array | undefined): boolean {
  try {
    decoder.decode(bytes, { stream: bytes !== undefined });
    return true;
  } catch {
    return false;
  }
}

/** Anything but whitespace and a BOM. */
function hasContent(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0xef && bytes[i + 1] === 0xbb && bytes[i + 2] === 0xbf) {
      i += 2;
      continue;
    }
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0) return true;
  }
  return false;
}

const PIECE_CHARS = 16 * 1024;

export interface CsvRecord {
  fields: string[];
  line: number;
}

/** The file's records in chunks, decoded and split; the delimiter is detected from the header line. */
export async function* csvRecords(source: ByteSource, encoding: TextEncoding, onDelimiter: (delimiter: string) => void): AsyncGenerator<CsvRecord[]> {
  const decoder = new TextDecoder(encoding);
  let splitter: CsvSplitter | undefined;
  let pending = '';
  let out: CsvRecord[] = [];
  const sink = (fields: string[], line: number) => out.push({ fields, line });
  const feed = (text: string) => {
    if (!splitter) {
      pending += text;
      const lineEnd = pending.search(/[\r\n]/);
      if (lineEnd === -1 && pending.length < 64 * 1024) return;
      const delimiter = detectDelimiter(lineEnd === -1 ? pending : pending.slice(0, lineEnd));
      onDelimiter(delimiter);
      splitter = new CsvSplitter(delimiter);
      text = pending;
      pending = '';
    }
    splitter.push(text, sink);
  };
  for await (const chunk of source()) {
    const text = decoder.decode(chunk, { stream: true });
    // Small pieces keep each batch of records short-lived, so the garbage
    // collector frees them young instead of promoting them (peak memory).
    for (let start = 0; start < text.length; start += PIECE_CHARS) {
      feed(text.slice(start, start + PIECE_CHARS));
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
  }
  feed(decoder.decode());
  if (!splitter) {
    const delimiter = detectDelimiter(pending);
    onDelimiter(delimiter);
    splitter = new CsvSplitter(delimiter);
    splitter.push(pending, sink);
  }
  splitter.end(sink);
  if (out.length > 0) yield out;
}

export interface ScanOptions {
  encoding: TextEncoding;
  period: string;
  /** Tier labels of the workspace, best first. */
  tierLabels: readonly string[];
  /** `auto`: the tier column if the file has one, else the ABC analysis of revenue. */
  tiersBy: 'auto' | 'revenue' | 'margin';
  /** Members by lower-cased email to user id, for the account owner column; none when absent. */
  memberIds?: ReadonlyMap<string, string>;
}

export interface ScanHeader {
  delimiter: string;
  notation: NumberNotation;
  header: string[];
  match: HeaderMatch;
  present: ReadonlySet<ImportColumn>;
  tiersFrom: 'column' | 'revenue' | 'margin';
}

export interface ScanVisitor {
  /** Called once with the header, before any row. */
  header?(header: ScanHeader): void;
  /** A valid row; the index counts valid rows from 0, in file order. */
  row(row: CustomerRow, line: number, index: number): void | Promise<void>;
  /** A file-level problem (scanning stops) or a row's problem (it continues). */
  error(error: ImportError): void;
}

const germanHeaders = new Set(['kundennummer', 'kundennr', 'kundenid', 'emailadresse', 'firma', 'sprache', 'stufe', 'umsatz', 'deckungsbeitrag']);

/** Resolves where tiers come from and reports the columns a file lacks. */
function planColumns(present: ReadonlySet<ImportColumn>, tiersBy: ScanOptions['tiersBy']): { tiersFrom: ScanHeader['tiersFrom']; missing: ImportColumn[] } {
  const missing: ImportColumn[] = (['external_id', 'email'] as const).filter((column) => !present.has(column));
  const tiersFrom = tiersBy !== 'auto' ? tiersBy : present.has('tier') ? 'column' : 'revenue';
  if (tiersFrom !== 'column' && !present.has(tiersFrom)) missing.push(tiersFrom === 'revenue' && tiersBy === 'auto' ? 'tier' : tiersFrom);
  return { tiersFrom, missing };
}

/**
 * Streams a customer file: the header, then every record validated with zod.
 * Row problems are reported and scanning goes on, so a preview lists every
 * bad row; file-level problems (syntax, missing columns) stop it.
 * Resolves to the number of customer records read.
 */
export async function scanCustomerFile(source: ByteSource, options: ScanOptions, visitor: ScanVisitor): Promise<number> {
  let delimiter = ',';
  let columns: Array<ImportColumn | null> | undefined;
  let schema: ReturnType<typeof customerRowSchema> | undefined;
  let headerLength = 0;
  let records = 0;
  let valid = 0;
  try {
    for await (const batch of csvRecords(source, options.encoding, (found) => (delimiter = found))) {
      // A batch is at most 16 K characters of the file: checking it takes a
      // few milliseconds, after which other requests get their turn (an
      // upload's preview runs in its request).
      await new Promise<void>((resolve) => setImmediate(resolve));
      for (const record of batch) {
        if (!columns) {
          const header = record.fields.map((field) => field.trim());
          const match = matchHeader(header);
          const present = new Set(match.columns.filter((column): column is ImportColumn => column !== null));
          const { tiersFrom, missing } = planColumns(present, options.tiersBy);
          for (const column of match.repeated) visitor.error({ line: record.line, column, code: 'column_repeated' });
          for (const column of missing) {
            const code = column === 'tier' ? 'tier_source_missing' : 'column_missing';
            visitor.error({ line: record.line, column, code, params: { examples: exampleHeaders(column) } });
          }
          if (missing.length > 0 || match.repeated.length > 0) return 0;
          const german = delimiter === ';' || (delimiter === '\t' && header.some((field) => germanHeaders.has(normalizeHeader(field))));
          const notation: NumberNotation = german ? 'de' : 'en';
          const rules: RowRules = {
            tierPositions: new Map(options.tierLabels.map((label, index) => [label.toLowerCase(), index + 1])),
            tiersFromColumn: tiersFrom === 'column',
            abcColumn: tiersFrom === 'margin' ? 'margin' : 'revenue',
            notation,
            period: options.period,
            memberIds: options.memberIds ?? new Map(),
          };
          schema = customerRowSchema(rules);
          columns = match.columns;
          headerLength = header.length;
          visitor.header?.({ delimiter, notation, header, match, present, tiersFrom });
          continue;
        }
        // Spreadsheets leave lines of bare delimiters below the data.
        if (record.fields.every((field) => field.trim() === '')) continue;
        const cells: RowCells = {};
        for (let i = 0; i < columns.length; i++) {
          const column = columns[i];
          if (column) cells[column] = record.fields[i] ?? '';
        }
        records++;
        const extra = record.fields.slice(headerLength).some((field) => field.trim() !== '');
        if (extra) {
          visitor.error({ line: record.line, column: null, code: 'too_many_fields', params: { count: record.fields.length, expected: headerLength } });
          continue;
        }
        const overlong = overlongCell(cells);
        if (overlong) {
          visitor.error({ line: record.line, column: overlong, code: 'too_long', params: { max: MAX_CELL_CHARS } });
          continue;
        }
        const parsed = schema!.safeParse(cells);
        if (parsed.success) {
          await visitor.row(parsed.data, record.line, valid++);
          continue;
        }
        const reported = new Set<string>();
        for (const issue of parsed.error.issues) {
          const column = (issue.path[0] as ImportColumn | undefined) ?? null;
          if (reported.has(String(column))) continue;
          reported.add(String(column));
          const value = column ? (cells[column] ?? '').trim().slice(0, 60) : '';
          const params = { value, tiers: options.tierLabels.join(', '), period: options.period, ...(issue as { params?: Record<string, string | number> }).params };
          visitor.error({ line: record.line, column, code: issue.message as ImportError['code'], params });
        }
      }
    }
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    visitor.error({ line: error.line, column: null, code: error.code });
    return records;
  }
  if (!columns) visitor.error(fileError('file_empty'));
  else if (records === 0) visitor.error(fileError('no_rows'));
  return records;
}
