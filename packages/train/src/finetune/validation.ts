/**
 * Validation of a fine-tuning run: mean IoU at threshold 0.5 and the BCE loss of the held-out examples under the
 * current decoder parameters.
 *
 * @module
 */
import type { DecoderEvaluator } from '../training/decoder-evaluator.js';
import type { PreparedExample, PreparedFinetuneData } from './finetune-data.js';

/** What {@link validate} measures. */
export interface ValidationResult {
  /** Mean over the examples of |P ∩ T| / |P ∪ T|, P = {logit > 0} (sigmoid > 0.5); 1 for an example with both empty. */
  readonly iou: number;
  /** BCE-with-logits mean over every pixel of every example (float64). */
  readonly loss: number;
  /** Each example's IoU, in input order. */
  readonly ious: readonly number[];
}

/** IoU of the mask `logits > 0` and `target` (0/1), both row-major of the same size; 1 when both are empty. */
export function maskIoU(logits: Float32Array, target: Uint8Array, offset = 0): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < target.length; i++) {
    const p = logits[offset + i]! > 0 ? 1 : 0;
    const t = target[i]!;
    inter += p & t;
    union += p | t;
  }
  return union === 0 ? 1 : inter / union;
}

/** Groups examples by image, keeping first-appearance order (one decoder run per image). */
export function groupByImage(examples: readonly PreparedExample[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const list = groups.get(e.image);
    if (list === undefined) groups.set(e.image, [i]);
    else list.push(i);
  });
  return groups;
}

/** Runs the decoder on every validation example (one run per image) and measures IoU and loss. */
export async function validate(evaluator: DecoderEvaluator, parameters: ReadonlyMap<string, Float32Array>, data: PreparedFinetuneData): Promise<ValidationResult | undefined> {
  const examples = data.validation;
  if (examples.length === 0) return undefined;
  const ious = new Array<number>(examples.length);
  const width = evaluator.graph.projectionDim;
  const pixels = data.imageSize.height * data.imageSize.width;
  let lossSum = 0;
  for (const [image, indices] of groupByImage(examples)) {
    const embeddings = new Float32Array(indices.length * width);
    indices.forEach((k, j) => embeddings.set(data.embeddings.get(examples[k]!.prompt)!, j * width));
    const logits = await evaluator.logits(parameters, data.activations.get(image)!, embeddings);
    indices.forEach((k, j) => {
      const target = examples[k]!.target;
      ious[k] = maskIoU(logits, target, j * pixels);
      let sum = 0;
      for (let i = 0; i < pixels; i++) {
        const l = logits[j * pixels + i]!;
        // softplus(l) − l·t, stable: max(l, 0) + log1p(exp(−|l|)) − l·t
        sum += Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l))) - l * target[i]!;
      }
      lossSum += sum / pixels;
    });
  }
  const iou = ious.reduce((a, b) => a + b, 0) / ious.length;
  return { iou, loss: lossSum / examples.length, ious };
}
