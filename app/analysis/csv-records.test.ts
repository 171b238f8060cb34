import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../tests/fixtures/analysis/reference';
import { CsvRecordSplitter, CsvSyntaxError } from './csv-records';

function split(chunks: string[]): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  const splitter = new CsvRecordSplitter((fields, line) => records.push({ fields, line }));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return records;
}

function chunked(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < text.length; start += size) chunks.push(text.slice(start, start + size));
  return chunks;
}

describe('CsvRecordSplitter', () => {
  it('reads quotes, commas, newlines, CRLF and a byte-order mark', () => {
    const text = '\ufeffa,b,c\r\n1,"x, ""y""",\r\n2,"multi\nline",z\n\n3, ,""\n';
    expect(split([text])).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['1', 'x, "y"', ''], line: 2 },
      { fields: ['2', 'multi\nline', 'z'], line: 3 },
      { fields: ['3', ' ', ''], line: 6 },
    ]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = readFileSync(fixturePath('flags-and-text.csv'), 'utf8');
    const whole = split([text]);
    expect(whole.length).toBeGreaterThan(50);
    for (const size of [1, 2, 3, 7, 64, 1000]) expect(split(chunked(text, size))).toEqual(whole);
  });

  it('reads a last record without a final newline', () => {
    expect(split(['a,b\n1,"2"'])).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', '2'], line: 2 },
    ]);
  });

  it('reports broken quoting with the line and field', () => {
    const errorOf = (text: string) => {
      try {
        split(chunked(text, 3));
      } catch (error) {
        return error as CsvSyntaxError;
      }
      throw new Error('no error');
    };
    expect(errorOf('a,b\n1,"open\n\nstill open')).toMatchObject({ line: 2, fieldIndex: 1, message: 'a quoted field is not closed' });
    expect(errorOf('a,b\n1,x"y\n')).toMatchObject({ line: 2, fieldIndex: 1 });
    expect(errorOf('a,b\n"q"x,1\n')).toMatchObject({ line: 2, fieldIndex: 0 });
  });
});
