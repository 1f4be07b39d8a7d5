import type { FormatId } from './formats/index.js';
import { placeLadder, type LadderOptions, type LadderOutput } from './ladder/index.js';
import { finalOutputPath } from './naming.js';
import type { TargetReport } from './target/encode-to-target.js';

/** What one conversion made, wherever it ran (the app's worker, the server, a CLI run). */
export interface Made {
  /**
   * The output's format (the input's own when the original was kept); with a ladder, its
   * first file's.
   */
  format: FormatId;
  width: number;
  height: number;
  /** The input's upright size. */
  inputWidth: number;
  inputHeight: number;
  /** The output's bytes (a ladder's first file). */
  size: number;
  keptOriginal?: boolean;
  target?: TargetReport;
  /** A size ladder's files, largest first, not yet placed. */
  ladder?: Omit<LadderOutput, 'path'>[];
}

/** What a done item records of what it made, and where that goes in the ZIP or folder. */
export interface ItemOutput {
  outputFormat: FormatId;
  outputPath: string;
  keptOriginal?: boolean;
  outputSize: number;
  outputWidth: number;
  outputHeight: number;
  width: number;
  height: number;
  target?: TargetReport;
  /** A size ladder's files, placed; the fields above describe the first. */
  ladder?: LadderOutput[];
}

/**
 * The item's record of `made`, for the input at `inputPath` planned at `planned`
 * (planOutputPaths): the output takes the extension of what was made (finalOutputPath); a
 * ladder's files are named by `ladder`'s template beside the planned path, which stays.
 */
export function itemOutput(
  inputPath: string,
  planned: string,
  made: Made,
  ladder: Pick<LadderOptions, 'template'> | undefined,
  presetName: string,
): ItemOutput {
  const files = made.ladder && ladder && placeLadder(planned, made.ladder, ladder, presetName);
  return {
    outputFormat: made.format,
    outputPath: files ? planned : finalOutputPath(planned, { ...made, inputPath }),
    ...(made.keptOriginal && { keptOriginal: true }),
    outputSize: made.size,
    outputWidth: made.width,
    outputHeight: made.height,
    width: made.inputWidth,
    height: made.inputHeight,
    ...(made.target && { target: made.target }),
    ...(files && { ladder: files }),
  };
}
