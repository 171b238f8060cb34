import { describe, expect, it } from 'vitest';
import { encodeFrame, FRAME, FrameReader, MAX_FRAME_BYTES, ProtocolError } from './protocol';

describe('command socket frames', () => {
  it('cuts a byte stream into frames whatever the chunk boundaries', () => {
    const frames: Array<[number, string]> = [];
    const reader = new FrameReader((type, payload) => frames.push([type, payload.toString('utf8')]));
    const bytes = Buffer.concat([encodeFrame(FRAME.stdout, 'Grüße'), encodeFrame(FRAME.stderr, ''), encodeFrame(FRAME.exit, '{"code":0}')]);
    for (let i = 0; i < bytes.length; i += 3) reader.push(bytes.subarray(i, i + 3));
    expect(frames).toEqual([
      [FRAME.stdout, 'Grüße'],
      [FRAME.stderr, ''],
      [FRAME.exit, '{"code":0}'],
    ]);
  });

  it('refuses a frame over the limit from its header, before its bytes arrive', () => {
    const reader = new FrameReader(() => {
      throw new Error('no frame expected');
    }, 16);
    const header = Buffer.alloc(5);
    header.writeUInt8(FRAME.request, 0);
    header.writeUInt32BE(17, 1);
    expect(() => reader.push(header)).toThrow(ProtocolError);
    expect(() => encodeFrame(FRAME.data, Buffer.alloc(MAX_FRAME_BYTES + 1))).toThrow(RangeError);
  });
});
