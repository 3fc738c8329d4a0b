import type { PromptNode } from './prompt.js';

/** An image prompt of a call, in the order the vision run sees it. @internal */
export type ImagePromptNode<I, M> = Extract<PromptNode<I, M>, { kind: 'image' }>;

/** The work one call needs: each distinct text once, each image prompt once. @internal */
export interface PromptPlan<I, M> {
  /** Distinct texts, in first-seen order. */
  readonly texts: readonly string[];
  /** Image prompts, in first-seen order. */
  readonly images: readonly ImagePromptNode<I, M>[];
}

/**
 * Collects the texts and images the prompts need (through mixes), each text once however often it appears.
 * @internal
 */
export function planPrompts<I, M>(nodes: readonly PromptNode<I, M>[]): PromptPlan<I, M> {
  const texts = new Set<string>();
  const images: ImagePromptNode<I, M>[] = [];
  const visit = (node: PromptNode<I, M>): void => {
    switch (node.kind) {
      case 'text':
        texts.add(node.text);
        return;
      case 'image':
        images.push(node);
        return;
      case 'embedding':
        return;
      case 'mix':
        for (const part of node.parts) visit(part.node);
        return;
    }
  };
  nodes.forEach(visit);
  return { texts: [...texts], images };
}

/**
 * The conditional embeddings of `nodes`, one row of `dim` per node, in a new `[nodes.length * dim]` array. Mixes
 * are weighted sums computed in float64 and rounded to float32 once, at the end.
 * @internal
 */
export function combineEmbeddings<I, M>(
  nodes: readonly PromptNode<I, M>[],
  texts: ReadonlyMap<string, Float32Array>,
  images: ReadonlyMap<ImagePromptNode<I, M>, Float32Array>,
  dim: number,
): Float32Array {
  const evaluate = (node: PromptNode<I, M>): Float32Array | Float64Array => {
    switch (node.kind) {
      case 'text':
        return texts.get(node.text)!;
      case 'image':
        return images.get(node)!;
      case 'embedding':
        return node.values;
      case 'mix': {
        const sum = new Float64Array(dim);
        for (const { node: part, weight } of node.parts) {
          const values = evaluate(part);
          for (let d = 0; d < dim; d++) sum[d] = sum[d]! + weight * values[d]!;
        }
        return sum;
      }
    }
  };
  const out = new Float32Array(nodes.length * dim);
  nodes.forEach((node, row) => out.set(evaluate(node), row * dim));
  return out;
}
