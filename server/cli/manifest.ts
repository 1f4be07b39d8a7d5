import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What made an output: its input's SHA-256 and the settings' (as JSON). */
export interface Made {
  input: string;
  settings: string;
  output: string;
}

const file = (outDir: string) => path.join(outDir, '.pixpool-manifest.json');

export const sha256 = (data: Uint8Array | string) =>
  createHash('sha256').update(data).digest('hex');

/**
 * The output folder's record of what it holds (`.pixpool-manifest.json`), keyed by input
 * path: a re-run skips an input whose bytes and settings made an output that is still there,
 * so an interrupted run resumes where it stopped.
 */
export class OutputManifest {
  private constructor(
    private readonly outDir: string,
    private readonly entries: Record<string, Made>,
  ) {}

  static async open(outDir: string): Promise<OutputManifest> {
    const text = await readFile(file(outDir), 'utf8').catch(() => '{}');
    let entries: Record<string, Made> = {};
    try {
      entries = JSON.parse(text) as Record<string, Made>;
    } catch {
      // A damaged manifest only costs a re-conversion.
    }
    return new OutputManifest(outDir, entries);
  }

  get(inputPath: string): Made | undefined {
    return this.entries[inputPath];
  }

  /**
   * Records an output and writes the manifest (temp file and rename, one write at a time, so
   * a killed run leaves the last whole one).
   */
  set(inputPath: string, made: Made): Promise<void> {
    this.entries[inputPath] = made;
    const temp = `${file(this.outDir)}.tmp`;
    this.#writing = this.#writing.then(async () => {
      await writeFile(temp, JSON.stringify(this.entries, null, 1));
      await rename(temp, file(this.outDir));
    });
    return this.#writing;
  }

  #writing: Promise<void> = Promise.resolve();
}
