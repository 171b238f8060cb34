import { describe, expect, it } from 'vitest';
import { judgeAttempt, type DelayRule, type WindowRule } from './attempt-gate.server';

const delay: DelayRule = { kind: 'delay', free: 5, baseSeconds: 15, maxSeconds: 900, forgetSeconds: 86_400 };

/** The waits a client meets when it tries again the moment it may, `attempts` times. */
function waitsOf(rule: DelayRule, attempts: number): number[] {
  let state = { count: 0, since: 0 };
  let now = 1_000;
  const waits: number[] = [];
  for (let i = 0; i < attempts; i++) {
    const first = judgeAttempt(rule, state, now);
    waits.push(first.wait);
    now += first.wait;
    state = judgeAttempt(rule, state, now).next;
  }
  return waits;
}

describe('judgeAttempt', () => {
  it('lets the free attempts through, then doubles the wait up to the cap, never locking for good', () => {
    expect(waitsOf(delay, 13)).toEqual([0, 0, 0, 0, 0, 15, 30, 60, 120, 240, 480, 900, 900]);
  });

  it('forgets a delay counter after a quiet day', () => {
    const tired = { count: 12, since: 1_000 };
    expect(judgeAttempt(delay, tired, 1_000 + 60).wait).toBeGreaterThan(0);
    expect(judgeAttempt(delay, tired, 1_000 + 86_401)).toEqual({ wait: 0, next: { count: 1, since: 1_000 + 86_401 } });
  });

  it('counts a fixed window and opens it again when it ends', () => {
    const window: WindowRule = { kind: 'window', limit: 2, windowSeconds: 60 };
    const full = { count: 2, since: 1_000 };
    expect(judgeAttempt(window, { count: 1, since: 1_000 }, 1_010)).toEqual({ wait: 0, next: { count: 2, since: 1_000 } });
    expect(judgeAttempt(window, full, 1_010).wait).toBe(50);
    expect(judgeAttempt(window, full, 1_060)).toEqual({ wait: 0, next: { count: 1, since: 1_060 } });
  });
});
