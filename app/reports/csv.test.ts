import { describe, expect, it } from 'vitest';
import { csvDate, csvDateTime, csvFormatOf, csvNumber, csvShare, defused, toCsv } from './csv';

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

  it('defuses a formula after a semicolon, comma or tab inside a cell, where another program would split it', () => {
    expect(defused('gut;=cmd|"/c calc"!A1')).toBe('gut;\'=cmd|"/c calc"!A1');
    expect(defused('a,+1,-2')).toBe("a,'+1,'-2");
    expect(defused('a\t@x')).toBe("a\t'@x");
    expect(defused('\tstart')).toBe("'\tstart");
    expect(defused('\r=x')).toBe("'\r=x");
    // Only right after a separator: ordinary punctuation stays.
    expect(defused('gut, - aber teuer; 5-10 Tage')).toBe('gut, - aber teuer; 5-10 Tage');
    expect(toCsv(['t'], [['Preis;=1+1']], 'excel')).toBe('\uFEFFt\r\n"Preis;\'=1+1"\r\n');
  });

  it('writes German Excel: semicolons, decimal comma, TT.MM.JJJJ, shares to 0.1 %', () => {
    const rows = [['Müller; Söhne', 1234.5, csvShare(0.34567), csvDate('2026-11-03T22:30:00Z'), csvDateTime('2026-11-03T08:05:00Z'), csvNumber(3.14159, 2), -0.5]];
    expect(toCsv(['Name', 'Umsatz', 'Anteil', 'Datum', 'Zeit', 'Mittel', 'Veränderung'], rows, 'excel')).toBe(
      '\uFEFFName;Umsatz;Anteil;Datum;Zeit;Mittel;Veränderung\r\n"Müller; Söhne";1234,5;34,6 %;03.11.2026;03.11.2026 09:05;3,14;-0,5\r\n',
    );
  });

  it('rounds shares to 0.1 %, always with one decimal', () => {
    expect(toCsv(['s'], [[csvShare(0.34)], [csvShare(1)], [csvShare(-0.0001)], [csvShare(-0.1234)], [csvShare(null)]], 'excel')).toBe('\uFEFFs\r\n34,0 %\r\n100,0 %\r\n0,0 %\r\n-12,3 %\r\n\r\n');
  });

  it('writes the international format: commas, decimal point, ISO dates', () => {
    const rows = [['Müller, Söhne', 1234.5, csvShare(0.34567), csvDate('2026-11-03T22:30:00Z'), csvDateTime('2026-11-03T08:05:00Z')]];
    expect(toCsv(['name', 'revenue', 'share', 'date', 'time'], rows, 'international')).toBe(
      '\uFEFFname,revenue,share,date,time\r\n"Müller, Söhne",1234.5,34.6%,2026-11-03,2026-11-03T08:05:00.000Z\r\n',
    );
  });

  it('takes the format from the download link, Excel unless it asks for the international one', () => {
    expect(csvFormatOf(new URLSearchParams('format=international'))).toBe('international');
    expect(csvFormatOf(new URLSearchParams(''))).toBe('excel');
    expect(csvFormatOf(new URLSearchParams('format=bogus'))).toBe('excel');
  });
});
