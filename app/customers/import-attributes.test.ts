import { describe, expect, it } from 'vitest';
import { matchHeader } from './import-columns';
import { customerRowSchema, type RowRules } from './import-row';
import { parseCustomerSince, parseSizeBand } from './import-values';

describe('customer attribute columns', () => {
  it('recognises German and English headers', () => {
    const { columns, ignored } = matchHeader(['Kundennummer', 'E-Mail', 'Branche', 'Mitarbeiter', 'Region', 'Kunde seit', 'Industry', 'Company size', 'customer_since']);
    expect(columns.slice(2, 6)).toEqual(['industry', 'size', 'region', 'customer_since']);
    expect(columns.slice(6)).toEqual(['industry', 'size', 'customer_since']);
    expect(ignored).toEqual([]);
  });

  it('reads employee counts and bands as bands', () => {
    expect(parseSizeBand('7')).toBe('1-9');
    expect(parseSizeBand('35')).toBe('10-49');
    expect(parseSizeBand('1.200')).toBe('1000+');
    expect(parseSizeBand('10-49')).toBe('10-49');
    expect(parseSizeBand('50 – 249')).toBe('50-249');
    expect(parseSizeBand('250 bis 999')).toBe('250-999');
    expect(parseSizeBand('1000+')).toBe('1000+');
    expect(parseSizeBand('>1000')).toBe('1000+');
    expect(parseSizeBand('35 Mitarbeiter')).toBe('10-49');
    expect(parseSizeBand('groß')).toBeNull();
    expect(parseSizeBand('0')).toBeNull();
    expect(parseSizeBand('49-10')).toBeNull();
  });

  it('reads customer-since dates in the usual notations, never in the future', () => {
    const today = '2026-12-06';
    expect(parseCustomerSince('2019-03-01', today)).toBe('2019-03-01');
    expect(parseCustomerSince('01.03.2019', today)).toBe('2019-03-01');
    expect(parseCustomerSince('03/2019', today)).toBe('2019-03-01');
    expect(parseCustomerSince('2019', today)).toBe('2019-01-01');
    expect(parseCustomerSince('31.02.2019', today)).toBeNull();
    expect(parseCustomerSince('2027-01-01', today)).toBeNull();
    expect(parseCustomerSince('seit Jahren', today)).toBeNull();
  });

  it('keeps absent columns undefined, empty cells null, and refuses bad values with a code', () => {
    const rules: RowRules = { tierPositions: new Map([['a', 1]]), tiersFromColumn: true, abcColumn: 'revenue', notation: 'de', period: '2026-Q4' };
    const schema = customerRowSchema(rules);
    const absent = schema.parse({ external_id: '1', email: 'a@example.com', tier: 'A' });
    expect([absent.industry, absent.size, absent.region, absent.customerSince]).toEqual([undefined, undefined, undefined, undefined]);
    const row = schema.parse({ external_id: '1', email: 'a@example.com', tier: 'A', industry: ' Maschinenbau ', size: '120', region: '', customer_since: '15.06.2018' });
    expect([row.industry, row.size, row.region, row.customerSince]).toEqual(['Maschinenbau', '50-249', null, '2018-06-15']);
    const bad = schema.safeParse({ external_id: '1', email: 'a@example.com', tier: 'A', size: 'big' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('size_invalid');
  });
});
