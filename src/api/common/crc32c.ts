/**
 * CRC-32C (Castagnoli): reflected, polynomial 0x82F63B78, init and xorout 0xFFFFFFFF.
 * Integrity check only (not a MAC): detects accidental corruption of object data in transit
 * and at rest; it offers no protection against a deliberate attacker.
 * Construction: slice-by-8 over eight 256-entry tables, built lazily on first use.
 * Invariant: `update` may be called any number of times with arbitrary splits of the input;
 * the result equals one call over the concatenation.
 */
const POLY = 0x82f63b78;
let tables: Int32Array | undefined;

function buildTables(): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let s = 1; s < 8; s++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[s * 256 + n] = c;
    }
  }
  return t;
}

/** Continues a CRC-32C over `buf`; `crc` is the raw (non-inverted) running register. */
export function crc32cUpdate(crc: number, buf: Uint8Array): number {
  const t = (tables ??= buildTables());
  let c = crc | 0;
  let i = 0;
  const len = buf.length;
  const end8 = len - (len % 8);
  while (i < end8) {
    c ^= buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
    c =
      t[1792 + (c & 0xff)]! ^
      t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^
      t[1024 + (c >>> 24)]! ^
      t[768 + buf[i + 4]!]! ^
      t[512 + buf[i + 5]!]! ^
      t[256 + buf[i + 6]!]! ^
      t[buf[i + 7]!]!;
    i += 8;
  }
  while (i < len) c = t[(c ^ buf[i++]!) & 0xff]! ^ (c >>> 8);
  return c;
}

/** Incremental CRC-32C; `digest()` gives 4 big-endian bytes as S3 encodes them. */
export class Crc32c {
  #crc = -1;

  update(buf: Uint8Array): void {
    this.#crc = crc32cUpdate(this.#crc, buf);
  }

  value(): number {
    return (this.#crc ^ -1) >>> 0;
  }

  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.value(), 0);
    return out;
  }
}
