import { describeNonImage, readImageInfo } from '../../shared/sniff.js';
import type { FormatId } from '../../shared/formats/index.js';
import { limits } from '../../shared/limits.js';
import type { PickedFile } from './collect.js';

export interface IntakeFile extends PickedFile {
  /** Null when the bytes are not an image we read; `reason` says why. */
  format: FormatId | null;
  reason?: string;
  width?: number;
  height?: number;
}

/** Enough bytes for the signature, EXIF and the frame header of nearly every file. */
const headBytes = 256 * 1024;

/** Sniffs each file's first bytes: the extension is never trusted. */
export async function classify(files: PickedFile[]): Promise<IntakeFile[]> {
  const out: IntakeFile[] = [];
  for (const f of files) out.push(await classifyOne(f));
  return out;
}

async function classifyOne(f: PickedFile): Promise<IntakeFile> {
  if (f.file.size > limits.maxFileBytes) {
    const mib = (n: number) => Math.round(n / 1024 / 1024);
    return {
      ...f,
      format: null,
      reason: `File is ${mib(f.file.size)} MiB, over the ${mib(limits.maxFileBytes)} MiB limit`,
    };
  }
  let head: Uint8Array;
  try {
    head = new Uint8Array(await f.file.slice(0, headBytes).arrayBuffer());
  } catch (e) {
    return { ...f, format: null, reason: `Could not read the file (${(e as Error).message})` };
  }
  const info = readImageInfo(head);
  if (!info) return { ...f, format: null, reason: describeNonImage(head) };
  return { ...f, format: info.format, width: info.width, height: info.height };
}
