import type { OptionSpec } from '../options.js';
import type { OutputFormatId, OutputSettings } from '../formats/index.js';
import type { TargetOptions } from '../target/schema.js';
import type { LadderOptions } from '../ladder/schema.js';

export type Fit = 'contain' | 'cover' | 'exact';

/**
 * 'auto' uses the browser's own high-quality scaler where there is one (3–4× faster than
 * wasm) and Lanczos3 elsewhere; the others force the jSquash (Squoosh) wasm resizer.
 */
export type ResizeMethod = 'auto' | 'lanczos3' | 'mitchell' | 'catrom' | 'triangle';

export interface ResizeOptions {
  /** Longest allowed width in pixels; 0 means no limit. */
  maxWidth: number;
  /** Longest allowed height in pixels; 0 means no limit. */
  maxHeight: number;
  /** contain: fit inside the box; cover: fill the box and crop the centre; exact: stretch. */
  fit: Fit;
  /** Never enlarge unless asked. */
  enlarge: boolean;
  method: ResizeMethod;
}

/** strip: no metadata (default); keep: EXIF as it was; keep-no-gps: EXIF without location. */
export type MetadataMode = 'strip' | 'keep' | 'keep-no-gps';

export interface Preset {
  id: string;
  name: string;
  builtIn: boolean;
  output: OutputSettings;
  resize: ResizeOptions;
  metadata: MetadataMode;
  /** '#rrggbb' painted under transparent pixels when the output has no alpha (JPEG). */
  background: string;
  /** What decides the quality (shared/target); absent means the quality option as set. */
  target?: TargetOptions;
  /**
   * Other formats to try besides `output`'s, each with its own default options: every file
   * keeps the smallest result that meets the target.
   */
  alsoTry?: OutputFormatId[];
  /**
   * Several files per input (widths × formats) instead of one; `alsoTry` and never bigger do
   * not apply. Per batch only: a file's override cannot change it.
   */
  ladder?: LadderOptions;
}

/** What one file may change of the batch preset. */
export interface PresetOverride {
  /** Replaces the output format and options wholesale. */
  output?: OutputSettings;
  resize?: Partial<ResizeOptions>;
  metadata?: MetadataMode;
  background?: string;
  /** Replaces the target wholesale. */
  target?: TargetOptions;
  alsoTry?: OutputFormatId[];
}

/** The settings a conversion actually runs with (a preset without its identity). */
export type ConversionSettings = Omit<Preset, 'id' | 'name' | 'builtIn'>;

export const resizeDefaults: ResizeOptions = {
  maxWidth: 0,
  maxHeight: 0,
  fit: 'contain',
  enlarge: false,
  method: 'auto',
};

export const resizeSpecs: readonly OptionSpec<ResizeOptions>[] = [
  {
    kind: 'int',
    key: 'maxWidth',
    label: 'Max width',
    min: 0,
    max: 65535,
    help: 'Pixels; 0 = no limit',
  },
  {
    kind: 'int',
    key: 'maxHeight',
    label: 'Max height',
    min: 0,
    max: 65535,
    help: 'Pixels; 0 = no limit',
  },
  {
    kind: 'choice',
    key: 'fit',
    label: 'Fit',
    choices: ['contain', 'cover', 'exact'],
    choiceLabels: {
      contain: 'Fit inside, keep the whole picture',
      cover: 'Fill the box, crop the centre',
      exact: 'Stretch to the exact size',
    },
  },
  {
    kind: 'boolean',
    key: 'enlarge',
    label: 'Enlarge smaller images',
    help: 'Otherwise an image smaller than the box keeps its size',
  },
  {
    kind: 'choice',
    key: 'method',
    label: 'Resize method',
    choices: ['auto', 'lanczos3', 'mitchell', 'catrom', 'triangle'],
    choiceLabels: {
      auto: 'Automatic (fast, high quality)',
      lanczos3: 'Lanczos3 (sharpest)',
      mitchell: 'Mitchell',
      catrom: 'Catmull-Rom',
      triangle: 'Triangle (softest)',
    },
  },
];

export const metadataModes: readonly MetadataMode[] = ['strip', 'keep', 'keep-no-gps'];
