import { z } from 'zod';

/**
 * The wire format between `npm run cli` and a running app (decision 0023).
 * Both sides speak in frames: one type byte, a 4-byte big-endian length, the
 * payload. The client sends one request frame, then the bytes of the files it
 * read for the command as data frames; the app answers with output frames,
 * the bytes of a file the command writes (file frames, then a commit frame
 * once it is complete) and one exit frame. Every length is bounded before anything is buffered.
 */
export const FRAME = {
  request: 0x51, // 'Q'
  data: 0x44, // 'D'
  stdout: 0x4f, // 'O'
  stderr: 0x45, // 'E'
  exit: 0x58, // 'X'
  /** Bytes of the file the command writes, which the client writes to disk. */
  file: 0x46, // 'F'
  /** The file is complete: the client gives it its name. */
  commit: 0x43, // 'C'
} as const;

/** The largest frame either side accepts; files come in many. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** The request frame: a command line and a few file names, never more. */
export const MAX_REQUEST_BYTES = 64 * 1024;
const HEADER_BYTES = 5;

export const PROTOCOL_VERSION = 1;

export const commandRequestSchema = z.strictObject({
  version: z.literal(PROTOCOL_VERSION),
  /** Proof that the client can read files of the app's user (the token file is 0600 in a 0700 folder). */
  token: z.string().regex(/^[0-9a-f]{64}$/),
  command: z.string().min(1).max(64),
  argv: z.array(z.string().max(4096)).max(64),
  /**
   * The files the command reads, as the client found them. `sent` says
   * whether their bytes follow (a file over the command's limit is only
   * described, so the command can say it is too large).
   */
  files: z
    .array(z.strictObject({ path: z.string().min(1).max(4096), size: z.number().int().nonnegative(), sent: z.boolean() }))
    .max(4),
  /**
   * The file the command writes, as the client opened it (FILE.partial,
   * exclusively): `resolved` is the name to print, `error` why it could not
   * be opened (EEXIST when FILE or FILE.partial exists).
   */
  outputs: z
    .array(z.strictObject({ path: z.string().min(1).max(4096), resolved: z.string().min(1).max(4096), error: z.string().regex(/^[A-Z]{1,16}$/).nullable() }))
    .max(1)
    .default([]),
});
export type CommandRequest = z.infer<typeof commandRequestSchema>;

export const exitSchema = z.strictObject({ code: z.number().int().min(0).max(255) });

export function encodeFrame(type: number, payload: Uint8Array | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (body.length > MAX_FRAME_BYTES) throw new RangeError(`frame of ${body.length} bytes is over ${MAX_FRAME_BYTES}`);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

export class ProtocolError extends Error {}

/** Cuts a byte stream into frames; refuses a frame longer than allowed before buffering it. */
export class FrameReader {
  private buffered: Buffer[] = [];
  private length = 0;

  constructor(
    private readonly onFrame: (type: number, payload: Buffer) => void,
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {}

  push(chunk: Buffer): void {
    this.buffered.push(chunk);
    this.length += chunk.length;
    while (this.length >= HEADER_BYTES) {
      const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
      this.buffered = [all];
      const size = all.readUInt32BE(1);
      if (size > this.maxFrameBytes) throw new ProtocolError(`a frame of ${size} bytes is over the limit of ${this.maxFrameBytes}`);
      if (all.length < HEADER_BYTES + size) return;
      const type = all.readUInt8(0);
      const payload = all.subarray(HEADER_BYTES, HEADER_BYTES + size);
      const rest = all.subarray(HEADER_BYTES + size);
      this.buffered = rest.length > 0 ? [rest] : [];
      this.length = rest.length;
      this.onFrame(type, payload);
    }
  }
}
