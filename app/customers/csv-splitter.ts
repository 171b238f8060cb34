/**
 * Splits CSV text, fed in chunks of any size, into records (RFC 4180 quoting:
 * `"a ""b"" c"`, delimiters and line breaks inside quotes). Each record knows
 * the physical line it starts on, counting every line break of the file
 * (CRLF, LF or CR, mixed as they come), so messages can point at the line a
 * spreadsheet user sees. Blank lines are skipped but counted.
 *
 * Written here rather than with csv-parse because csv-parse reports the line
 * where a record ends and detects one record delimiter per file; see
 * docs/decisions/0008-customer-import-api-privacy.md.
 */
export class CsvSyntaxError extends Error {
  constructor(
    readonly code: 'quote_not_closed' | 'text_after_quote' | 'record_too_large',
    /** The line the broken record starts on. */
    readonly line: number,
  ) {
    super(`${code} (record starting on line ${line})`);
  }
}

const QUOTE = 34;
const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** Just read a quote inside a quoted field: an escaped quote or the closing one. */
  QuoteInQuoted,
  /** After the closing quote; only spaces may follow before the delimiter. */
  AfterQuoted,
}

export type RecordSink = (fields: string[], line: number) => void;

export class CsvSplitter {
  private readonly delimiter: number;
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private line = 1;
  private recordLine = 1;
  private lastWasCR = false;

  constructor(
    delimiter: string,
    private readonly maxRecordChars = 64 * 1024,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Feeds the next piece of text; complete records go to `sink`. */
  push(text: string, sink: RecordSink): void {
    const delimiter = this.delimiter;
    // Start of the not-yet-copied run of field characters in `text`.
    let runStart = 0;
    let i = 0;
    const length = text.length;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (this.lastWasCR) {
        this.lastWasCR = false;
        if (c === LF) {
          // The LF of a CRLF, already counted (and kept as \n in a quoted field) with its CR.
          i++;
          runStart = i;
          continue;
        }
      }
      switch (this.state) {
        case State.FieldStart:
          if (c === QUOTE) {
            this.state = State.Quoted;
            runStart = i + 1;
          } else if (c === delimiter) {
            this.fields.push('');
            runStart = i + 1;
          } else if (c === CR || c === LF) {
            this.endRecord(c, sink, '');
            runStart = i + 1;
          } else {
            this.state = State.Unquoted;
            runStart = i;
          }
          break;
        case State.Unquoted:
          if (c === delimiter) {
            this.fields.push(this.field + text.slice(runStart, i));
            this.field = '';
            this.state = State.FieldStart;
            runStart = i + 1;
          } else if (c === CR || c === LF) {
            const value = this.field + text.slice(runStart, i);
            this.field = '';
            this.endRecord(c, sink, value);
            runStart = i + 1;
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.field += text.slice(runStart, i);
            this.state = State.QuoteInQuoted;
          } else if (c === CR || c === LF) {
            this.field += text.slice(runStart, i) + '\n';
            this.line++;
            this.lastWasCR = c === CR;
            runStart = i + 1;
          }
          break;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
            runStart = i + 1;
            break;
          }
          this.state = State.AfterQuoted;
        // falls through: the quote closed the field
        case State.AfterQuoted:
          if (c === delimiter) {
            this.fields.push(this.field);
            this.field = '';
            this.state = State.FieldStart;
          } else if (c === CR || c === LF) {
            const value = this.field;
            this.field = '';
            this.endRecord(c, sink, value);
          } else if (c !== SPACE && c !== TAB) {
            throw new CsvSyntaxError('text_after_quote', this.recordLine);
          }
          runStart = i + 1;
          break;
      }
      i++;
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) this.field += text.slice(runStart, length);
    let pending = this.field.length;
    for (const field of this.fields) pending += field.length;
    if (pending > this.maxRecordChars) throw new CsvSyntaxError('record_too_large', this.recordLine);
  }

  /** Ends the input; a last record without a line break is emitted here. */
  end(sink: RecordSink): void {
    if (this.state === State.Quoted) throw new CsvSyntaxError('quote_not_closed', this.recordLine);
    if (this.state !== State.FieldStart || this.fields.length > 0) {
      this.fields.push(this.field);
      this.field = '';
      this.emit(sink);
    }
  }

  private endRecord(c: number, sink: RecordSink, lastField: string): void {
    if (this.fields.length > 0 || lastField !== '') {
      this.fields.push(lastField);
      this.emit(sink);
    }
    this.line++;
    this.lastWasCR = c === CR;
    this.recordLine = this.line;
    this.state = State.FieldStart;
  }

  private emit(sink: RecordSink): void {
    const fields = this.fields;
    this.fields = [];
    sink(fields, this.recordLine);
  }
}
