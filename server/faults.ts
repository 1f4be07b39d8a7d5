import { statfs } from 'node:fs/promises';

const diskFullCodes = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** Whether `e` says the disk (or the database on it) has no room left. */
export function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && diskFullCodes.has(code);
}

/**
 * Whether `e` came from the surroundings rather than the image: a full disk, or the database
 * refusing a write (better-sqlite3's SqliteError: full, busy, locked, I/O). Such a failure says
 * nothing about the file, so its job is retried later instead of failing the item.
 */
export function isEnvironmentFault(e: unknown): boolean {
  if (isDiskFull(e)) return true;
  const err = e as { name?: unknown; code?: unknown } | null;
  return err?.name === 'SqliteError' || (typeof err?.code === 'string' && err.code === 'EIO');
}

/** Free bytes for unprivileged writers on the filesystem holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/** Writing would leave the data disk under its free-space watermark (MIN_FREE_BYTES). */
export class NoRoom extends Error {
  override name = 'NoRoom';
  readonly code = 'ENOSPC';
  constructor(
    readonly needed: number,
    readonly free: number,
    readonly minFree: number,
  ) {
    super(
      `The server's disk has ${free} bytes free and keeps at least ${minFree} free, so it ` +
        `cannot take ${needed} more bytes now; delete finished batches or try again later`,
    );
  }
}

/** Throws NoRoom unless `bytes` more still leave `minFree` bytes free on the disk of `dir`. */
export async function ensureRoom(dir: string, bytes: number, minFree: number): Promise<void> {
  const free = await freeBytes(dir);
  if (free - bytes < minFree) throw new NoRoom(bytes, free, minFree);
}
