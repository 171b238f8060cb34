import { describe, expect, it } from 'vitest';
import { answerColors, tierColors } from './palette';

/** Hue in degrees and lightness (0–1) of a #rrggbb colour. */
function hsl(hex: string) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let hue = 0;
  if (d > 0) hue = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { hue: (hue * 60 + 360) % 360, lightness: (max + min) / 2, chroma: d };
}

const hueDistance = (a: number, b: number) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

describe('report colours', () => {
  it('never give a tier the colour of an answer', () => {
    for (const tier of tierColors) {
      for (const [answer, colour] of Object.entries(answerColors)) {
        expect(tier.toLowerCase(), `tier colour ${tier} is the colour of "${answer}"`).not.toBe(colour.toLowerCase());
        const a = hsl(tier);
        const b = hsl(colour);
        // Grey answers differ by having no hue; coloured ones must be at least 30° apart.
        if (b.chroma > 0.1) expect(hueDistance(a.hue, b.hue), `${tier} vs ${answer} ${colour}`).toBeGreaterThanOrEqual(30);
      }
    }
  });

  it('keep the tiers apart from each other', () => {
    expect(new Set(tierColors).size).toBe(tierColors.length);
    for (let i = 0; i < tierColors.length; i++)
      for (let j = i + 1; j < tierColors.length; j++) expect(hueDistance(hsl(tierColors[i]!).hue, hsl(tierColors[j]!).hue)).toBeGreaterThanOrEqual(25);
  });
});
