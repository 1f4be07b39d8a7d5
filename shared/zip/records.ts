// The byte layouts of PKWARE's APPNOTE.TXT (6.3.10), sections 4.3.7 to 4.5.3. Every number is
// little-endian. ZIP64 fields appear only where a 32-bit field overflows (or when forced), so
// archives under 4 GiB stay readable by unzippers that never learnt ZIP64.

/** A 32-bit size or offset at or past this is written as 0xFFFFFFFF plus a ZIP64 field. */
export const max32 = 0xffff_ffff;
/** An entry count at or past this needs the ZIP64 end record. */
export const max16 = 0xffff;

// "Version made by": Unix (3) in the high byte. Info-ZIP unzip 6.0 converts names from the
// DOS code page when the host is MS-DOS (fflate's default) and nothing else marks the entry,
// UTF-8 flag or not: the server's 'café' listed as 'caf+®'. Version 4.5 is the first with ZIP64.
const madeBy = (3 << 8) | 45;
// A regular file, rw-r--r--, in the high 16 bits of the external attributes (Unix hosts).
const unixFile = (0o100644 << 16) >>> 0;
// Bit 3: sizes and CRC follow the data (a data descriptor); bit 11: the name is UTF-8.
const flagDescriptor = 0x0008;
const flagUtf8 = 0x0800;

/** Method 0 stores the bytes; 8 is raw DEFLATE. */
export type ZipMethod = 0 | 8;

/** What the local header, descriptor and central record of one entry say. */
export interface EntryRecord {
  name: Uint8Array;
  /** Modification time, ms since the epoch. */
  mtime: number;
  method: ZipMethod;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the local header from the start of the archive. */
  offset: number;
  /** Sizes and CRC come after the data: the local header has zeros. */
  descriptor: boolean;
  /** The local header carries a ZIP64 field, so the descriptor has 64-bit sizes. */
  zip64Local: boolean;
}

class Writer {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  pos = 0;

  constructor(length: number) {
    this.bytes = new Uint8Array(length);
    this.view = new DataView(this.bytes.buffer);
  }

  u16(n: number): this {
    this.view.setUint16(this.pos, n, true);
    this.pos += 2;
    return this;
  }

  u32(n: number): this {
    this.view.setUint32(this.pos, n >>> 0, true);
    this.pos += 4;
    return this;
  }

  u64(n: number): this {
    // Two halves: DataView.setBigUint64 would need BigInt for every size.
    this.view.setUint32(this.pos, n % 2 ** 32, true);
    this.view.setUint32(this.pos + 4, Math.floor(n / 2 ** 32), true);
    this.pos += 8;
    return this;
  }

  raw(b: Uint8Array): this {
    this.bytes.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
}

/** `s` as UTF-8 bytes (by hand: `shared/` has no TextEncoder). Lone surrogates become U+FFFD. */
export function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    let c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else {
      out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
  }
  return Uint8Array.from(out);
}

// DOS dates count years from 1980 in 7 bits; outside that range the nearest end is written.
const dosMin = new Date(1980, 0, 1).getTime();
const dosMax = new Date(2107, 11, 31, 23, 59, 58).getTime();

/** The MS-DOS time and date fields (local time, 2-second steps) for `ms`. */
export function dosDateTime(ms: number): { time: number; date: number } {
  const d = new Date(Math.min(dosMax, Math.max(dosMin, ms)));
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

// The "UT" extended timestamp (0x5455, Info-ZIP's extrafld.txt): the time in UTC to the second,
// which unzip restores as it is; the DOS fields are local time of whoever wrote the archive.
// It holds a signed 32-bit Unix time, so it is left out past 2038 rather than wrapped.
function unixSeconds(ms: number): number | undefined {
  const s = Math.floor(ms / 1000);
  return s >= 0 && s <= 0x7fff_ffff ? s : undefined;
}
const timestampLength = 9;

const needed = (zip64: boolean, method: ZipMethod) => (zip64 ? 45 : method === 8 ? 20 : 10);

/** The local file header that precedes an entry's data. */
export function localHeader(e: EntryRecord): Uint8Array {
  const seconds = unixSeconds(e.mtime);
  const extra = (seconds === undefined ? 0 : timestampLength) + (e.zip64Local ? 20 : 0);
  const { time, date } = dosDateTime(e.mtime);
  const w = new Writer(30 + e.name.length + extra)
    .u32(0x04034b50)
    .u16(needed(e.zip64Local, e.method))
    .u16(flagUtf8 | (e.descriptor ? flagDescriptor : 0))
    .u16(e.method)
    .u16(time)
    .u16(date)
    .u32(e.descriptor ? 0 : e.crc);
  // With ZIP64 both 32-bit sizes say "see the extra field" (APPNOTE 4.5.3: both must be there).
  if (e.zip64Local) w.u32(max32).u32(max32);
  else if (e.descriptor) w.u32(0).u32(0);
  else w.u32(e.compressedSize).u32(e.size);
  w.u16(e.name.length).u16(extra).raw(e.name);
  if (seconds !== undefined) w.u16(0x5455).u16(5).raw(Uint8Array.of(1)).u32(seconds);
  if (e.zip64Local) {
    const known = !e.descriptor;
    w.u16(0x0001)
      .u16(16)
      .u64(known ? e.size : 0)
      .u64(known ? e.compressedSize : 0);
  }
  return w.bytes;
}

/** The data descriptor after a streamed entry: CRC and sizes, 64-bit if the header said ZIP64. */
export function dataDescriptor(e: EntryRecord): Uint8Array {
  const w = new Writer(e.zip64Local ? 24 : 16).u32(0x08074b50).u32(e.crc);
  if (e.zip64Local) w.u64(e.compressedSize).u64(e.size);
  else w.u32(e.compressedSize).u32(e.size);
  return w.bytes;
}

/** The central directory record for an entry; ZIP64 fields for whatever overflows 32 bits. */
export function centralRecord(e: EntryRecord, forceZip64 = false): Uint8Array {
  const seconds = unixSeconds(e.mtime);
  const big = (n: number) => forceZip64 || n >= max32;
  // APPNOTE 4.5.3: only the overflowing fields, in this order.
  const zip64 = [e.size, e.compressedSize, e.offset].filter(big);
  const zip64Length = zip64.length ? 4 + 8 * zip64.length : 0;
  const extra = (seconds === undefined ? 0 : timestampLength) + zip64Length;
  const { time, date } = dosDateTime(e.mtime);
  const w = new Writer(46 + e.name.length + extra)
    .u32(0x02014b50)
    .u16(madeBy)
    .u16(needed(e.zip64Local || zip64.length > 0, e.method))
    .u16(flagUtf8 | (e.descriptor ? flagDescriptor : 0))
    .u16(e.method)
    .u16(time)
    .u16(date)
    .u32(e.crc)
    .u32(big(e.compressedSize) ? max32 : e.compressedSize)
    .u32(big(e.size) ? max32 : e.size)
    .u16(e.name.length)
    .u16(extra)
    .u16(0) // comment
    .u16(0) // disk
    .u16(0) // internal attributes
    .u32(unixFile)
    .u32(big(e.offset) ? max32 : e.offset)
    .raw(e.name);
  if (seconds !== undefined) w.u16(0x5455).u16(5).raw(Uint8Array.of(1)).u32(seconds);
  if (zip64.length) {
    w.u16(0x0001).u16(8 * zip64.length);
    for (const n of zip64) w.u64(n);
  }
  return w.bytes;
}

/**
 * The end of the archive: the ZIP64 end record and its locator when the entry count, the
 * directory's size or its offset overflow (or when forced), then the classic end record with
 * 0xFFFF / 0xFFFFFFFF in the fields that do not fit.
 */
export function endRecords(
  count: number,
  directorySize: number,
  directoryOffset: number,
  forceZip64 = false,
): Uint8Array {
  const zip64 = forceZip64 || count >= max16 || directorySize >= max32 || directoryOffset >= max32;
  const w = new Writer((zip64 ? 56 + 20 : 0) + 22);
  if (zip64) {
    const recordOffset = directoryOffset + directorySize;
    w.u32(0x06064b50)
      .u64(44) // the record's size after this field
      .u16(madeBy)
      .u16(45)
      .u32(0) // this disk
      .u32(0) // the disk where the directory starts
      .u64(count)
      .u64(count)
      .u64(directorySize)
      .u64(directoryOffset);
    w.u32(0x07064b50).u32(0).u64(recordOffset).u32(1);
  }
  w.u32(0x06054b50)
    .u16(0)
    .u16(0)
    .u16(Math.min(count, max16))
    .u16(Math.min(count, max16))
    .u32(Math.min(directorySize, max32))
    .u32(Math.min(directoryOffset, max32))
    .u16(0); // comment
  return w.bytes;
}
