import { describe, expect, it } from 'vitest';
import { EarlierPtiSearch } from './earlier-pti';

interface Offer {
  customerId: string;
  completedAt: number;
  ptiTwelfths: number;
}

/** The definition, written the slow way. */
function bruteForce(target: { customerId: string; completedAt: number }, offers: Offer[]): number | null {
  let best: { offer: Offer; order: number } | null = null;
  offers.forEach((offer, order) => {
    if (offer.customerId !== target.customerId || offer.completedAt >= target.completedAt) return;
    if (best === null || offer.completedAt > best.offer.completedAt || (offer.completedAt === best.offer.completedAt && order > best.order)) {
      best = { offer, order };
    }
  });
  return best === null ? null : (best as { offer: Offer }).offer.ptiTwelfths;
}

describe('EarlierPtiSearch', () => {
  it('takes the latest strictly earlier response, the later one on equal times', () => {
    const target = { customerId: 'C1', completedAt: 100 };
    const search = new EarlierPtiSearch([target]);
    search.offer('C1', 50, 60);
    search.offer('C1', 100, 12); // same instant: not earlier
    search.offer('C1', 200, 12); // later
    search.offer('C1', 80, 48);
    search.offer('C1', 80, 36); // same instant as the previous offer, later in the file: wins
    search.offer('C2', 90, 12); // another customer
    expect(search.results((found, earlierPtiTwelfths) => ({ found, earlierPtiTwelfths }))).toEqual([{ found: target, earlierPtiTwelfths: 36 }]);
    expect(search.wants('C1')).toBe(true);
    expect(search.wants('C2')).toBe(false);
  });

  it('agrees with the definition for customers with many responses, in any order', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let round = 0; round < 20; round++) {
      const customers = ['A', 'B', 'C'];
      const targets = Array.from({ length: 40 }, () => ({
        customerId: customers[Math.floor(random() * 3)]!,
        completedAt: Math.floor(random() * 30),
      }));
      const offers: Offer[] = Array.from({ length: 120 }, () => ({
        customerId: customers[Math.floor(random() * 3)]!,
        completedAt: Math.floor(random() * 30),
        ptiTwelfths: 12 + Math.floor(random() * 49),
      }));
      const search = new EarlierPtiSearch(targets);
      for (const offer of offers) search.offer(offer.customerId, offer.completedAt, offer.ptiTwelfths);
      const results = search.results((target, earlierPtiTwelfths) => ({ target, earlierPtiTwelfths }));
      for (const { target, earlierPtiTwelfths } of results) expect(earlierPtiTwelfths).toBe(bruteForce(target, offers));
      expect(results).toHaveLength(targets.length);
    }
  });
});
