import { describe, expect, it } from 'vitest';
import { parseResponseRecord, readResponseHeader, RESPONSE_COLUMNS, ResponseInputError } from './response-csv';

const layout = readResponseHeader(['notes', ...[...RESPONSE_COLUMNS].reverse()]);
function record(values: Partial<Record<(typeof RESPONSE_COLUMNS)[number], string>>): string[] {
  const full = {
    customer_id: ' C1 ', tier: 'A', period: '2026-Q3', completed_at: '2026-08-01T10:00:00Z', miss_us: ' very ',
    treat_valued: '5', treat_responsive: '', treat_equal: ' 1', treat_promise: '3', benefit: '4', csat: '2',
    recommend: '10', miss_most: ' keep spaces ', alternative: '', improve: '', ...values,
  };
  return ['ignored', ...[...RESPONSE_COLUMNS].reverse().map((column) => full[column])];
}

describe('response CSV records', () => {
  it('finds columns in any order and parses a valid record', () => {
    expect(parseResponseRecord(record({}), 2, layout)).toEqual({
      customerId: 'C1', tier: 'A', period: '2026-Q3', completedAt: Date.UTC(2026, 7, 1, 10), missUs: 'very',
      treatValued: 5, treatResponsive: null, treatEqual: 1, treatPromise: 3, benefit: 4, csat: 2, recommend: 10,
      missMost: ' keep spaces ', alternative: '', improve: '',
    });
  });

  it('names the line and column of each kind of bad value', () => {
    const cases: [Partial<Record<(typeof RESPONSE_COLUMNS)[number], string>>, string][] = [
      [{ customer_id: ' ' }, 'line 7, column customer_id: must not be empty'],
      [{ period: '2026Q3' }, 'line 7, column period: "2026Q3" is not a period written like 2026-Q3'],
      [{ completed_at: '1.8.2026' }, 'line 7, column completed_at: "1.8.2026" is not an ISO 8601 date-time'],
      [{ miss_us: 'Very' }, 'line 7, column miss_us: unknown value "Very" (expected very, somewhat, not, na or empty)'],
      [{ treat_equal: '0' }, 'line 7, column treat_equal: "0" is not an integer from 1 to 5'],
      [{ csat: '-1' }, 'line 7, column csat: "-1" is not an integer from 1 to 5'],
      [{ recommend: '11' }, 'line 7, column recommend: "11" is not an integer from 0 to 10'],
      [{ benefit: '4.0' }, 'line 7, column benefit: "4.0" is not an integer from 1 to 5'],
    ];
    for (const [values, message] of cases) {
      expect(() => parseResponseRecord(record(values), 7, layout)).toThrow(message);
    }
  });

  it('lists every missing column of the header', () => {
    const error = (() => {
      try {
        readResponseHeader(['customer_id', 'tier']);
      } catch (caught) {
        return caught as ResponseInputError;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(ResponseInputError);
    expect(error.line).toBe(1);
    expect(error.column).toMatch(/^period, completed_at, miss_us, .*improve$/);
  });

  it('reads optional revenue and margin columns as amounts', () => {
    const withMoney = readResponseHeader([...RESPONSE_COLUMNS, 'revenue', 'margin']);
    const fields = (revenue: string, margin: string) => [...record({}).slice(1).reverse(), revenue, margin];
    expect(parseResponseRecord(fields('1250.50', '-20'), 2, withMoney)).toMatchObject({ revenue: 1250.5, margin: -20 });
    expect(parseResponseRecord(fields('', ' '), 2, withMoney)).toMatchObject({ revenue: null, margin: null });
    expect(() => parseResponseRecord(fields('1.250,50', ''), 3, withMoney)).toThrow('line 3, column revenue: "1.250,50" is not an amount like 1250.50');
    expect(() => parseResponseRecord(fields('-1', ''), 3, withMoney)).toThrow('line 3, column revenue: must not be negative');
    expect(parseResponseRecord(record({}), 2, layout)).not.toHaveProperty('revenue');
  });
});
