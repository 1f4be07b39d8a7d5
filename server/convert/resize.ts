import type { Sharp, KernelEnum } from 'sharp';
import type { ResizeMethod } from '../../shared/presets/index.js';
import type { ResizePlan } from '../../shared/resize-plan.js';

// The app's methods by sharp's kernel names. 'auto' is the browser's own scaler there; here
// it is Lanczos3, sharp's default and the app's wasm fallback.
const kernels: Record<ResizeMethod, keyof KernelEnum> = {
  auto: 'lanczos3',
  lanczos3: 'lanczos3',
  mitchell: 'mitchell',
  // sharp's 'cubic' is the Catmull-Rom spline.
  catrom: 'cubic',
  // A triangle filter is linear interpolation.
  triangle: 'linear',
};

/**
 * Crops and scales as shared/resize-plan.ts planned, so the server and the browser produce
 * the same sizes: `plan`'s region of the upright `width` × `height`, scaled to `size` (the
 * plan's own, or a smaller one of a ladder) in one step. sharp takes one resize per
 * pipeline, and scaling the source straight to each size softens it less than rescaling.
 */
export function cropAndScale(
  pipeline: Sharp,
  width: number,
  height: number,
  plan: ResizePlan,
  size: { width: number; height: number },
  method: ResizeMethod,
): void {
  const region = plan.crop ?? { x: 0, y: 0, width, height };
  // After autoOrient(), extract() takes upright coordinates (sharp applies it after rotating).
  if (plan.crop) {
    pipeline.extract({
      left: region.x,
      top: region.y,
      width: region.width,
      height: region.height,
    });
  }
  if (size.width !== region.width || size.height !== region.height) {
    // 'fill' stretches to exactly the planned size: the plan already chose the aspect ratio.
    pipeline.resize(size.width, size.height, { fit: 'fill', kernel: kernels[method] });
  }
}
