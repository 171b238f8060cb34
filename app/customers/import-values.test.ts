import { describe, expect, it } from 'vitest';
import { centsToDecimal, normalizeEmail, parseAmount, parseLocale, parsePeriod } from './import-values';

const cents = (text: string, notation: 'en' | 'de') => {
  const result = parseAmount(text, notation);
  return result.ok ? result.cents : result.error;
};

describe('parseAmount', () => {
  it('reads English and German notation', () => {
    expect(cents('1,234.56', 'en')).toBe(123456);
    expect(cents('1.234,56', 'de')).toBe(123456);
    // Unambiguous numbers read the same whatever the file's notation.
    expect(cents('1.234,56', 'en')).toBe(123456);
    expect(cents('1,234.56', 'de')).toBe(123456);
    expect(cents('1.234.567', 'en')).toBe(123456700);
    expect(cents('12,5', 'en')).toBe(1250);
    expect(cents('0,123', 'en')).toBe(12);
    expect(cents('1234', 'de')).toBe(123400);
    expect(cents('.5', 'en')).toBe(50);
  });

  it('lets the file decide a lone separator followed by three digits', () => {
    expect(cents('1.234', 'de')).toBe(123400);
    expect(cents('1,234', 'de')).toBe(123);
    expect(cents('1.234', 'en')).toBe(123);
    expect(cents('1,234', 'en')).toBe(123400);
  });

  it('ignores currency signs and spaces used as thousands separators', () => {
    expect(cents('€ 1.234,50', 'de')).toBe(123450);
    expect(cents('1 234,50 EUR', 'de')).toBe(123450);
    expect(cents('1\u00a0234,50\u00a0€', 'de')).toBe(123450);
    expect(cents("CHF 1'234.50", 'en')).toBe(123450);
  });

  it('rounds to cents, half up', () => {
    expect(cents('0.005', 'en')).toBe(1);
    expect(cents('0.004', 'en')).toBe(0);
    expect(cents('9.995', 'en')).toBe(1000);
  });

  it('refuses negative, non-numeric and absurdly large values', () => {
    expect(cents('-5', 'en')).toBe('negative');
    expect(cents('(1.234,56)', 'de')).toBe('negative');
    expect(cents('1.234,56-', 'de')).toBe('negative');
    expect(cents('abc', 'en')).toBe('not_a_number');
    expect(cents('12a', 'en')).toBe('not_a_number');
    expect(cents('1,2,3', 'en')).toBe('not_a_number');
    expect(cents('1.2.3,4.5', 'de')).toBe('not_a_number');
    expect(cents('5e3', 'en')).toBe('not_a_number');
    expect(cents('', 'en')).toBe('not_a_number');
    expect(cents('10000000000000', 'en')).toBe('too_large');
  });

  it('writes cents back as PostgreSQL numeric text', () => {
    expect(centsToDecimal(123456)).toBe('1234.56');
    expect(centsToDecimal(5)).toBe('0.05');
    expect(centsToDecimal(0)).toBe('0.00');
  });
});

describe('other cells', () => {
  it('reads languages by code or name, in English or German', () => {
    expect(['de', 'DE', 'de-AT', 'Deutsch', 'german'].map(parseLocale)).toEqual(['de', 'de', 'de', 'de', 'de']);
    expect(['en', 'en_GB', 'English', 'Englisch'].map(parseLocale)).toEqual(['en', 'en', 'en', 'en']);
    expect(parseLocale('fr')).toBeNull();
  });

  it('reads quarters', () => {
    expect(parsePeriod('2026-q4')).toBe('2026-Q4');
    expect(parsePeriod(' 2026Q1 ')).toBe('2026-Q1');
    expect(parsePeriod('2026-Q5')).toBeNull();
  });

  it('lower-cases emails and writes internationalised domains in ASCII', () => {
    expect(normalizeEmail('  Anna@Example.COM ')).toBe('anna@example.com');
    expect(normalizeEmail('info@Müller.de')).toBe('info@xn--mller-kva.de');
  });
});
