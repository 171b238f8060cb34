import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../tests/fixtures/analysis/reference';
import { chiSquareSf, logGamma, normalSf, normalTwoSidedP, studentTCdf, studentTTwoSidedP } from './distributions';

interface Point {
  fn: 'logGamma' | 'normalSf' | 'chiSquareSf' | 'studentTCdf';
  x: number;
  df?: number;
  value: number;
}

const { points } = JSON.parse(readFileSync(fixturePath('distributions.json'), 'utf8')) as { points: Point[] };

function evaluate({ fn, x, df }: Point): number {
  switch (fn) {
    case 'logGamma':
      return logGamma(x);
    case 'normalSf':
      return normalSf(x);
    case 'chiSquareSf':
      return chiSquareSf(x, df!);
    case 'studentTCdf':
      return studentTCdf(x, df!);
  }
}

describe('distribution functions against SciPy', () => {
  it.each(points.map((point) => [`${point.fn}(${point.x}${point.df === undefined ? '' : `, df ${point.df}`})`, point]))(
    '%s',
    (_, point) => {
      const actual = evaluate(point as Point);
      const expected = (point as Point).value;
      // 1e-9 relative even in tails like 1e-300, far inside the 1e-6 the reports need
      expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-300);
    },
  );

  it('gives two-sided p-values and NaN where SciPy does', () => {
    expect(normalTwoSidedP(0)).toBe(1);
    expect(normalTwoSidedP(-1.959963984540054)).toBeCloseTo(0.05, 15);
    expect(studentTTwoSidedP(Number.POSITIVE_INFINITY, 5)).toBe(0);
    expect(studentTTwoSidedP(1, 0)).toBeNaN();
    expect(chiSquareSf(Number.NaN, 2)).toBeNaN();
    expect(chiSquareSf(-1e-15, 2)).toBe(1);
  });
});
