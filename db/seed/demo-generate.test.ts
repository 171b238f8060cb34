import { describe, expect, it } from 'vitest';
import { generateDemoData } from './demo-generate';

describe('generateDemoData', () => {
  it('is deterministic', () => {
    expect(generateDemoData()).toEqual(generateDemoData());
  });

  it('makes about 600 customers with unique ids and emails in six quarters', () => {
    const data = generateDemoData();
    expect(data.customers).toHaveLength(600);
    expect(new Set(data.customers.map((c) => c.externalId)).size).toBe(600);
    expect(new Set(data.customers.map((c) => c.email)).size).toBe(600);
    expect(new Set(data.tiers.map((t) => t.period)).size).toBe(6);
    expect(data.tiers).toHaveLength(3600);
  });
});
