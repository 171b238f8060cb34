import { describe, expect, it } from 'vitest';
import { forgetInRequestScope, requestScoped, runInRequestScope } from './request-scope.server';

describe('request scope', () => {
  it('computes a value once per scope, across awaits, and anew in another scope', async () => {
    let computed = 0;
    const value = () => requestScoped('key', () => ++computed);
    const first = await runInRequestScope(async () => {
      const before = value();
      await new Promise((resolve) => setTimeout(resolve, 1));
      return [before, value()];
    });
    expect(first).toEqual([1, 1]);
    expect(runInRequestScope(value)).toBe(2);
  });

  it('computes every time outside a scope, and again after forgetting', () => {
    let computed = 0;
    const value = () => requestScoped('key', () => ++computed);
    expect([value(), value()]).toEqual([1, 2]);
    runInRequestScope(() => {
      expect([value(), value()]).toEqual([3, 3]);
      forgetInRequestScope('key');
      expect(value()).toBe(4);
    });
  });
});
