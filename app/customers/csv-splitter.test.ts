import { describe, expect, it } from 'vitest';
import { CsvSplitter, CsvSyntaxError } from './csv-splitter';

/** Splits text fed in pieces of `size` characters. */
function split(text: string, delimiter = ',', size = text.length || 1) {
  const records: Array<{ fields: string[]; line: number }> = [];
  const splitter = new CsvSplitter(delimiter);
  const sink = (fields: string[], line: number) => records.push({ fields, line });
  for (let i = 0; i < text.length; i += size) splitter.push(text.slice(i, i + size), sink);
  splitter.end(sink);
  return records;
}

describe('CsvSplitter', () => {
  it('splits fields and records and numbers the line each record starts on', () => {
    expect(split('a,b\n1,2\n3,4')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', '2'], line: 2 },
      { fields: ['3', '4'], line: 3 },
    ]);
  });

  it('keeps delimiters, quotes and line breaks inside quoted fields, and counts their lines', () => {
    const text = 'id;note\r\n1;"a; ""b""\r\nc"\r\n2;x\r\n';
    const expected = [
      { fields: ['id', 'note'], line: 1 },
      { fields: ['1', 'a; "b"\nc'], line: 2 },
      { fields: ['2', 'x'], line: 4 },
    ];
    expect(split(text, ';')).toEqual(expected);
    // The same whatever the chunk boundaries, including one between CR and LF.
    for (const size of [1, 2, 3, 5, 7]) expect(split(text, ';', size), `size ${size}`).toEqual(expected);
  });

  it('accepts LF, CRLF and CR line endings mixed in one file, and skips blank lines', () => {
    expect(split('h\n\na\r\nb\rc\n\r\n').map((record) => [record.fields[0], record.line])).toEqual([
      ['h', 1],
      ['a', 3],
      ['b', 4],
      ['c', 5],
    ]);
  });

  it('keeps empty fields, also at the end of a record', () => {
    expect(split('a,,c,\n,,,')).toEqual([
      { fields: ['a', '', 'c', ''], line: 1 },
      { fields: ['', '', '', ''], line: 2 },
    ]);
  });

  it('reports a quote that is never closed at the line where its record starts', () => {
    expect(() => split('a,b\n1,"open\n2,3\n')).toThrow(expect.objectContaining({ code: 'quote_not_closed', line: 2 }));
  });

  it('reports text after a closing quote, but allows spaces there', () => {
    expect(split('"a"  ,b')).toEqual([{ fields: ['a', 'b'], line: 1 }]);
    expect(() => split('x\n"a"b,c')).toThrow(CsvSyntaxError);
    expect(() => split('x\n"a"b,c')).toThrow(expect.objectContaining({ code: 'text_after_quote', line: 2 }));
  });

  it('refuses a record longer than the limit instead of buffering the rest of the file', () => {
    const splitter = new CsvSplitter(',', 100);
    expect(() => splitter.push(`"${'x'.repeat(200)}`, () => {})).toThrow(expect.objectContaining({ code: 'record_too_large', line: 1 }));
  });
});
