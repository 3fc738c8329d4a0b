/**
 * The cosine learning-rate schedule of the fine-tuning recipe.
 *
 * @module
 */

/**
 * PyTorch's `CosineAnnealingLR` (closed form): `min + (max − min) · (1 + cos(π · step / total)) / 2`, from `max`
 * at step 0 to `min` at `total` (and `min` after it). The recipe's defaults: 1e-3 to 1e-4.
 *
 * @param step - steps taken (0-based)
 * @param total - steps of the whole run (≥ 1)
 */
export function cosineLearningRate(step: number, total: number, max = 1e-3, min = 1e-4): number {
  if (total <= 0 || step >= total) return min;
  return min + ((max - min) * (1 + Math.cos((Math.PI * Math.max(step, 0)) / total))) / 2;
}
