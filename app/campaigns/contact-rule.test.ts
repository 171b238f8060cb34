import { describe, expect, it } from 'vitest';
import { contactRuleSchema, effectiveContactDays } from './contact-rule';

describe('the contact rule form', () => {
  it('reads days, "no limit" and 0 as no limit', () => {
    expect(contactRuleSchema.parse({ limit: 'on', days: '90' })).toEqual({ days: 90 });
    expect(contactRuleSchema.parse({ days: ' 365 ' })).toEqual({ days: 365 });
    expect(contactRuleSchema.parse({ limit: 'on', days: '0' })).toEqual({ days: 0 });
    // "No limit" wins over whatever the days field still holds.
    expect(contactRuleSchema.parse({ limit: 'off', days: 'abc' })).toEqual({ days: 0 });
  });

  it('refuses anything but whole days from 0 to 365, with the message key', () => {
    for (const days of ['', '366', '-1', '1.5', '9e1', 'abc', '0x10', '1000']) {
      const result = contactRuleSchema.safeParse({ limit: 'on', days });
      expect(result.success, days).toBe(false);
      expect(result.error?.issues[0]?.message, days).toBe('days_invalid');
    }
    expect(contactRuleSchema.safeParse({ limit: 'sometimes', days: '30' }).error?.issues[0]?.message).toBe('limit_invalid');
  });
});

describe('the wait a campaign applies', () => {
  it('is the workspace rule at least; a campaign may only wait longer', () => {
    expect(effectiveContactDays(90, null)).toBe(90);
    expect(effectiveContactDays(90, 0)).toBe(90);
    expect(effectiveContactDays(90, 120)).toBe(120);
    expect(effectiveContactDays(0, null)).toBe(0);
    expect(effectiveContactDays(0, 30)).toBe(30);
  });
});
