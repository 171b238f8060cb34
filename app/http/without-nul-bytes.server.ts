import { Transform } from 'node:stream';

/**
 * React 18's streaming renderer sends its whole 2 KB buffer when a
 * multi-byte character does not fit at its end, so the unused bytes go out
 * as NULs (facebook/react#31134, fixed in React 19): "14 %" in German could
 * arrive as "14\0 %". A page never holds a NUL of its own (forms refuse
 * them and PostgreSQL cannot store them), so every NUL byte is dropped.
 */
export function withoutNulBytes(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (!chunk.includes(0)) return done(null, chunk);
      done(null, chunk.filter((byte) => byte !== 0));
    },
  });
}
