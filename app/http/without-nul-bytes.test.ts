import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { withoutNulBytes } from './without-nul-bytes.server';

describe('withoutNulBytes', () => {
  it('drops the NUL padding React 18 leaves where a multi-byte character did not fit, and nothing else', async () => {
    const padded = [Buffer.from('<td>14\0\0'), Buffer.from('\u00a0%</td>'), Buffer.from('Größe ✓')];
    expect(await text(Readable.from(padded).pipe(withoutNulBytes()))).toBe('<td>14\u00a0%</td>Größe ✓');
  });
});
