import type { Sharp, KernelEnum } from 'sharp';
import type { ResizeMethod, ResizeOptions } from '../../shared/presets/index.js';
import { planResize, type ResizePlan } from '../../shared/resize-plan.js';

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
 * Crops then scales as shared/resize-plan.ts plans, so the server and the browser produce the
 * same sizes. `width` × `height` is the upright size.
 */
export function applyResize(
  pipeline: Sharp,
  width: number,
  height: number,
  resize: ResizeOptions,
): ResizePlan {
  const plan = planResize(width, height, resize);
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
  if (plan.width !== region.width || plan.height !== region.height) {
    // 'fill' stretches to exactly the planned size: the plan already chose the aspect ratio.
    pipeline.resize(plan.width, plan.height, { fit: 'fill', kernel: kernels[resize.method] });
  }
  return plan;
}
