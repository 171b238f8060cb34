import { describe, expect, it } from 'vitest';
import type { Flag } from '../analysis/flags';
import { decideFlag, type StoredFlag } from './reconcile';

const wanted: Flag = { customerId: 'c', kind: 'second_class', severity: 'high', reasons: ['treat_equal_low', 'pti_low'] };
const stored = (status: StoredFlag['status'], over: Partial<StoredFlag> = {}): StoredFlag => ({ status, severity: 'high', reasons: ['treat_equal_low', 'pti_low'], ...over });

describe('decideFlag', () => {
  it('raises a flag the rules ask for when there is none', () => {
    expect(decideFlag(undefined, wanted)).toBe('raise');
    expect(decideFlag(undefined, undefined)).toBe('keep');
  });

  it('updates an open flag only when its reasons or severity changed', () => {
    expect(decideFlag(stored('open'), wanted)).toBe('keep');
    expect(decideFlag(stored('open', { reasons: ['treat_equal_low'] }), wanted)).toBe('update');
    expect(decideFlag(stored('open', { severity: 'medium' }), wanted)).toBe('update');
  });

  it('withdraws an open flag whose answers no longer meet any rule', () => {
    expect(decideFlag(stored('open'), undefined)).toBe('withdraw');
  });

  it('never reopens or withdraws a flag a member has acted on', () => {
    for (const status of ['contacted', 'resolved', 'dismissed'] as const) {
      expect(decideFlag(stored(status), wanted)).toBe('keep');
      expect(decideFlag(stored(status), undefined)).toBe('keep');
      expect(decideFlag(stored(status, { reasons: ['lexicon'] }), wanted)).toBe('keep');
    }
  });

  it('raises a withdrawn flag again when the rules hold again', () => {
    expect(decideFlag(stored('withdrawn'), wanted)).toBe('reraise');
    expect(decideFlag(stored('withdrawn'), undefined)).toBe('keep');
  });
});
