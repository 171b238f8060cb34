import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes what needs quoting and starts with a BOM', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [1.5, null], ['line\nbreak', undefined]])).toBe(
      '\uFEFFa,b\r\n"x,y","say ""hi"""\r\n1.5,\r\n"line\nbreak",\r\n',
    );
  });

  it('defuses cells that a spreadsheet would run as formulas', () => {
    expect(toCsv(['t'], [['=HYPERLINK("x")'], ['+1'], ['-2'], ['@SUM(A1)']])).toBe(
      '\uFEFFt\r\n"\'=HYPERLINK(""x"")"\r\n\'+1\r\n\'-2\r\n\'@SUM(A1)\r\n',
    );
    expect(toCsv(['n'], [[-2]])).toBe('\uFEFFn\r\n-2\r\n');
  });
});
