import { describe, expect, it } from 'vitest';
import { parseIsoInstant } from './iso-instant';

describe('parseIsoInstant', () => {
  it('reads dates, times, fractions and offsets as UTC instants', () => {
    expect(parseIsoInstant('2026-07-01T10:00:00Z')).toBe(Date.UTC(2026, 6, 1, 10));
    expect(parseIsoInstant('2026-07-01T12:00:00+02:00')).toBe(Date.UTC(2026, 6, 1, 10));
    expect(parseIsoInstant('2026-07-01T05:30-0430')).toBe(Date.UTC(2026, 6, 1, 10));
    expect(parseIsoInstant('2026-07-01 10:00:00')).toBe(Date.UTC(2026, 6, 1, 10));
    expect(parseIsoInstant('2026-07-01')).toBe(Date.UTC(2026, 6, 1));
    expect(parseIsoInstant('2024-02-29T00:00:00.5Z')).toBe(Date.UTC(2024, 1, 29) + 500);
  });

  it('keeps microseconds apart', () => {
    const earlier = parseIsoInstant('2026-07-01T10:00:00.000001Z')!;
    const later = parseIsoInstant('2026-07-01T10:00:00.000002Z')!;
    expect(earlier).toBeLessThan(later);
  });

  it('rejects what is not a valid ISO 8601 instant', () => {
    for (const text of ['', '2026-13-01', '2025-02-29', '2026-07-01T24:00:00Z', '01.07.2026', '2026-07-01T10:00:00+25:00', 'yesterday']) {
      expect(parseIsoInstant(text)).toBeNull();
    }
  });
});

describe('parseIsoInstant edge cases', () => {
  it('accepts every offset spelling and rejects truncated ones', () => {
    const tenUtc = Date.UTC(2026, 6, 1, 10);
    for (const text of ['2026-07-01T12:00+02', '2026-07-01T12:00+0200', '2026-07-01T12:00:00,0+02:00', '2026-07-01t10:00z']) {
      expect(parseIsoInstant(text)).toBe(tenUtc);
    }
    for (const text of ['2026-07-01T12:00+02:', '2026-07-01T12:00+2', '2026-07-01T12:00:00.', '2026-07-01T12:00:00.1234567890Z', '2026-07-01T12', '2026-07-01T12:00:00ZZ', '2026-7-01']) {
      expect(parseIsoInstant(text)).toBeNull();
    }
  });
});
