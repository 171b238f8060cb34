/**
 * A map from pieces of longer strings to values, looked up by the piece's
 * place in its string and a hash the caller computed while reading it, so a
 * known piece is found without cutting it out (no string allocated, no
 * second pass over its characters to hash it). Open addressing with linear
 * probing; used by theme coding for its per-piece cache.
 */
export class SliceMap<V> {
  private slots = new Int32Array(1 << 12);
  private readonly hashes: number[] = [];
  private readonly keys: string[] = [];
  private readonly values: V[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** The hash `get` and `set` expect, one character at a time: `hash = SliceMap.step(hash, code)` from 0. */
  static step(hash: number, code: number): number {
    return (Math.imul(hash, 31) + code) | 0;
  }

  /** The value of `text.slice(start, end)`, whose hash is `hash`. */
  get(text: string, start: number, end: number, hash: number): V | undefined {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]! - 1;
      if (entry < 0) return undefined;
      if (this.hashes[entry] === hash && sameText(this.keys[entry]!, text, start, end)) return this.values[entry];
    }
  }

  /** Stores the value of a piece that `get` did not find. */
  set(piece: string, hash: number, value: V): void {
    if ((this.keys.length + 1) * 2 > this.slots.length) this.grow();
    this.keys.push(piece);
    this.hashes.push(hash);
    this.values.push(value);
    this.place(this.keys.length - 1);
  }

  clear(): void {
    this.slots = new Int32Array(1 << 12);
    this.keys.length = 0;
    this.hashes.length = 0;
    this.values.length = 0;
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashes[entry]! & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let entry = 0; entry < this.keys.length; entry++) this.place(entry);
  }
}

function sameText(key: string, text: string, start: number, end: number): boolean {
  return key.length === end - start && text.startsWith(key, start);
}
