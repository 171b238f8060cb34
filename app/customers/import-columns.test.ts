import { describe, expect, it } from 'vitest';
import { detectDelimiter, matchHeader, normalizeHeader } from './import-columns';

describe('matchHeader', () => {
  it('reads English and German headers in any order and case', () => {
    expect(matchHeader(['Umsatz (EUR)', 'kundennummer', 'E-Mail', 'FIRMA', 'Name', 'Sprache', 'Segment', 'Deckungsbeitrag']).columns).toEqual([
      'revenue',
      'external_id',
      'email',
      'company',
      'name',
      'locale',
      'tier',
      'margin',
    ]);
    expect(matchHeader(['external_id', 'Email', 'Tier', 'Revenue', 'Margin', 'Company', 'Locale']).columns).toEqual([
      'external_id',
      'email',
      'tier',
      'revenue',
      'margin',
      'company',
      'locale',
    ]);
    expect(matchHeader(['Kunden-Nr.', 'Stufe']).columns).toEqual(['external_id', 'tier']);
  });

  it('lists ignored headers and columns named twice', () => {
    const match = matchHeader(['Kundennummer', 'Notiz', 'E-Mail', 'email', '']);
    expect(match.columns).toEqual(['external_id', null, 'email', 'email', null]);
    expect(match.ignored).toEqual(['Notiz']);
    expect(match.repeated).toEqual(['email']);
  });

  it('normalises headers', () => {
    expect(normalizeHeader(' E-Mail-Adresse ')).toBe('emailadresse');
    expect(normalizeHeader('Umsatz in €')).toBe('umsatzin');
  });
});

describe('detectDelimiter', () => {
  it('picks the delimiter of the header line, ignoring quoted text', () => {
    expect(detectDelimiter('Kundennummer;E-Mail;Name')).toBe(';');
    expect(detectDelimiter('id,email,"Name; full"')).toBe(',');
    expect(detectDelimiter('"a,b,c";d;e')).toBe(';');
    expect(detectDelimiter('id\temail\tname')).toBe('\t');
    expect(detectDelimiter('id')).toBe(',');
  });
});
