import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SqlDumpReader } from './sql-dump';

/**
 * Passes a dump's bytes on unchanged and counts the rows of every INSERT in
 * it, per table (`schema.table`). Used where the dump is made: in the app for
 * PostgreSQL's pg_dump, in the dump's worker thread for the embedded
 * database (app/ops/backup/dump-worker.mjs).
 */
export class RowCounter extends Transform {
  private readonly reader = new SqlDumpReader();
  // A chunk may end inside a character; the decoder keeps its first bytes for the next one.
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private readonly counts: Record<string, number> = {};

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.text(this.decoder.write(chunk));
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.text(this.decoder.end());
    if (this.rest) this.line(this.rest);
    this.rest = '';
    done();
  }

  /** Rows per table; complete once the stream has ended. */
  tables(): Record<string, number> {
    return { ...this.counts };
  }

  private text(text: string): void {
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop()!;
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    for (const item of this.reader.line(line)) {
      if (item.kind === 'statement' && item.insertInto) this.counts[item.insertInto] = (this.counts[item.insertInto] ?? 0) + item.rows;
    }
  }
}
