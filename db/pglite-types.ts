/**
 * PGlite's own bytea conversion goes byte by byte through JavaScript strings
 * (`Array.from(bytes).map(hex).join('')`, and `parseInt` per byte back): a
 * 1 MB chunk of an upload took about 2 s of the event loop each way, which
 * stopped every other request while a file was stored or previewed. Node's
 * hex codec does the same in a few milliseconds.
 */
const BYTEA = 17;

export const pgliteTypeOptions = {
  serializers: {
    [BYTEA]: (bytes: Uint8Array) => `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`,
  },
  parsers: {
    [BYTEA]: (text: string) => Buffer.from(text.slice(2), 'hex'),
  },
};
