/**
 * Reads a plain-SQL dump as pg_dump writes it, one statement at a time,
 * without running it: quotes, quoted identifiers, dollar-quoted function
 * bodies and comments are followed, so a `;` inside them ends nothing.
 * Lines starting with a backslash between statements are psql commands
 * (pg_dump writes `\restrict`/`\unrestrict`); they come out as their own item.
 *
 * Pure and streaming: feed it lines (without their newline), take the items.
 * Backups are read through it twice: once to count what they hold, once to
 * restore them.
 */
export type DumpItem =
  | { kind: 'statement'; text: string; insertInto?: string; rows: number }
  | { kind: 'psql'; text: string };

type State = 'normal' | 'single' | 'escaped-single' | 'double' | 'dollar' | 'block-comment';

export class SqlDumpReader {
  private state: State = 'normal';
  private dollarTag = '';
  private blockDepth = 0;
  private parenDepth = 0;
  private topLevelOpens = 0;
  private buffer: string[] = [];
  /** Whether the statement so far holds anything but whitespace and comments. */
  private started = false;

  /** Reads one line; returns the items it completed. */
  line(line: string): DumpItem[] {
    const items: DumpItem[] = [];
    if (!this.started && this.state === 'normal' && line.startsWith('\\')) {
      items.push({ kind: 'psql', text: line });
      return items;
    }
    let from = 0;
    let i = 0;
    while (i < line.length) {
      const c = line[i]!;
      switch (this.state) {
        case 'normal':
          if (c === '-' && line[i + 1] === '-') {
            // A line comment: the rest of the line is dropped.
            this.push(line.slice(from, i));
            from = i = line.length;
            continue;
          }
          if (c === '/' && line[i + 1] === '*') {
            this.state = 'block-comment';
            this.blockDepth = 1;
            i += 2;
            continue;
          }
          if (c === "'") {
            const prefix = line[i - 1];
            // E'…' strings take backslash escapes; standard strings do not.
            this.state = (prefix === 'E' || prefix === 'e') && !/[\w$]/.test(line[i - 2] ?? '') ? 'escaped-single' : 'single';
          } else if (c === '"') this.state = 'double';
          else if (c === '$') {
            const match = /^\$([A-Za-z_][A-Za-z_0-9]*)?\$/.exec(line.slice(i));
            // `$1` is a parameter and `a$b$` part of a name, not a dollar quote.
            if (match && !/[\w$]/.test(line[i - 1] ?? '')) {
              this.state = 'dollar';
              this.dollarTag = match[0];
              this.started = true;
              i += match[0].length;
              continue;
            }
          } else if (c === '(') {
            if (this.parenDepth === 0) this.topLevelOpens++;
            this.parenDepth++;
          } else if (c === ')') this.parenDepth = Math.max(0, this.parenDepth - 1);
          else if (c === ';') {
            this.push(line.slice(from, i + 1));
            from = i + 1;
            items.push(this.finish());
            i++;
            continue;
          }
          if (!/\s/.test(c)) this.started = true;
          i++;
          break;
        case 'single':
        case 'escaped-single':
          if (c === '\\' && this.state === 'escaped-single') i += 2;
          else if (c === "'") {
            // '' is a quote inside the string.
            if (line[i + 1] === "'") i += 2;
            else {
              this.state = 'normal';
              i++;
            }
          } else i++;
          break;
        case 'double':
          if (c === '"') {
            if (line[i + 1] === '"') i += 2;
            else {
              this.state = 'normal';
              i++;
            }
          } else i++;
          break;
        case 'dollar':
          if (c === '$' && line.startsWith(this.dollarTag, i)) {
            i += this.dollarTag.length;
            this.state = 'normal';
          } else i++;
          break;
        case 'block-comment':
          if (c === '*' && line[i + 1] === '/') {
            this.blockDepth--;
            i += 2;
            if (this.blockDepth === 0) {
              this.state = 'normal';
              from = i;
            }
          } else if (c === '/' && line[i + 1] === '*') {
            this.blockDepth++;
            i += 2;
          } else i++;
          break;
      }
    }
    if (this.state !== 'block-comment') this.push(line.slice(from));
    // Inside a string the newline belongs to the value.
    if (this.started || this.state !== 'normal') this.buffer.push('\n');
    return items;
  }

  /** Whether the text read so far ended between statements (a cut-off dump does not). */
  get complete(): boolean {
    return !this.started && this.state === 'normal';
  }

  private push(text: string): void {
    if (text.length > 0 && (this.started || text.trim().length > 0)) {
      this.buffer.push(text);
      if (text.trim().length > 0) this.started = true;
    }
  }

  private finish(): DumpItem {
    const text = this.buffer.join('').trim();
    const head = /^INSERT INTO ((?:"(?:[^"]|"")+"|[\w$]+)(?:\.(?:"(?:[^"]|"")+"|[\w$]+))?)\s*(\()?/i.exec(text);
    let rows = 0;
    let insertInto: string | undefined;
    if (head && /\bVALUES\s*\(/i.test(text.slice(0, 4000))) {
      insertInto = head[1]!.replaceAll('"', '');
      // A column list is one more parenthesis at the top level than there are rows.
      rows = this.topLevelOpens - (head[2] ? 1 : 0);
    }
    this.buffer = [];
    this.started = false;
    this.parenDepth = 0;
    this.topLevelOpens = 0;
    return { kind: 'statement', text, rows, ...(insertInto ? { insertInto } : {}) };
  }
}
