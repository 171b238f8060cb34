/**
 * What happens to a customer's flag of one kind in one campaign when one of
 * their completed responses is judged (DESIGN.md, "Flags on customers").
 * Pure, so the rules of who may change a flag are tested without a database.
 */
import type { Flag } from '../analysis/flags';

export type StoredFlagStatus = 'open' | 'contacted' | 'resolved' | 'dismissed' | 'withdrawn';

export interface StoredFlag {
  status: StoredFlagStatus;
  severity: string;
  reasons: readonly string[];
}

/**
 * - `raise`: no flag yet and a rule holds;
 * - `update`: an open flag whose reasons or severity changed;
 * - `reraise`: a withdrawn flag whose rules hold again (withdrawal was
 *   automatic, so the rules may undo it; a member's decision is never undone);
 * - `withdraw`: an open flag whose answers no longer meet any rule;
 * - `keep`: nothing to do, in particular for every flag a member has acted on
 *   (contacted, resolved, dismissed).
 */
export type FlagDecision = 'raise' | 'update' | 'reraise' | 'withdraw' | 'keep';

export function decideFlag(stored: StoredFlag | undefined, wanted: Flag | undefined): FlagDecision {
  if (!stored) return wanted ? 'raise' : 'keep';
  if (stored.status === 'withdrawn') return wanted ? 'reraise' : 'keep';
  if (stored.status !== 'open') return 'keep';
  if (!wanted) return 'withdraw';
  const same = stored.severity === wanted.severity && stored.reasons.length === wanted.reasons.length && stored.reasons.every((reason, i) => reason === wanted.reasons[i]);
  return same ? 'keep' : 'update';
}
