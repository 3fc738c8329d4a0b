/**
 * Gradient rules of 2-D Conv and ConvTranspose (group 1, dilation 1, explicit pads: the forms CLIPSeg uses).
 * Each adjoint is the other op; the weight gradient is a convolution of the input with the output cotangent, batch
 * and channel axes swapped, with the forward stride as dilation.
 *
 * @module
 */
import { AutodiffError } from '../autodiff-error.js';
import { attrInts } from '../graph-view.js';
import type { GradContext, GradRule } from '../grad-context.js';
import { firstCotangent } from '../grad-context.js';
import type { ViewNode } from '../graph-view.js';

interface ConvForm {
  readonly strides: number[];
  readonly pads: number[];
}

function convForm(node: ViewNode, ctx: GradContext): ConvForm {
  const unsupported = (what: string): never => {
    throw new AutodiffError('AUTODIFF_UNSUPPORTED_FORM', `${node.opType}: gradients need ${what}.`, { opType: node.opType });
  };
  if (ctx.rank(node.inputs[0]!, node) !== 4) unsupported('a 4-D input (2-D convolution)');
  const group = node.attributes.get('group');
  if (group?.i !== undefined && group.i !== null && Number(group.i) !== 1) unsupported('group 1');
  if ((attrInts(node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) unsupported('dilation 1');
  const autoPad = node.attributes.get('auto_pad')?.s;
  if (autoPad && autoPad.length > 0 && new TextDecoder().decode(autoPad) !== 'NOTSET') unsupported('explicit pads (auto_pad NOTSET)');
  if (node.attributes.has('output_shape')) unsupported('output_padding instead of output_shape');
  return { strides: attrInts(node, 'strides') ?? [1, 1], pads: attrInts(node, 'pads') ?? [0, 0, 0, 0] };
}

const SWAP01 = [1, 0, 2, 3];

/** Sums the output cotangent over batch and space: the bias gradient. */
function biasGrad(ctx: GradContext, d: string): string {
  return ctx.g.op('ReduceSum', [d, ctx.g.constInt64([0, 2, 3])], { keepdims: 0 });
}

/** The first `kh × kw` (the weight's spatial size) of a full weight correlation, axes 0 and 1 swapped. */
function cropToWeight(ctx: GradContext, full: string, weight: string): string {
  const { g } = ctx;
  const spatial = g.op('Shape', [weight], { start: 2, end: 4 });
  return g.op('Transpose', [g.op('Slice', [full, g.constInt64([0, 0]), spatial, g.constInt64([2, 3])])], { perm: SWAP01 });
}

/** `Y = conv(X, W) + B`. */
export const convRule: GradRule = (node, dy, ctx, needs) => {
  const { g } = ctx;
  const d = firstCotangent(node, dy);
  const [x, w] = node.inputs as [string, string];
  const { strides, pads } = convForm(node, ctx);
  const out: (string | undefined)[] = node.inputs.map(() => undefined);
  if (needs(0)) {
    // Crop only the leading pads: the trailing ones the windows actually reached depend on the input size. Then
    // cut what lies in the trailing padding, and give rows/columns past the last window a zero gradient.
    const full = g.op('ConvTranspose', [d, w], { strides, pads: [pads[0]!, pads[1]!, 0, 0] });
    const spatial = g.op('Shape', [x], { start: 2, end: 4 });
    const cut = g.op('Slice', [full, g.constInt64([0, 0]), spatial, g.constInt64([2, 3])]);
    const missing = g.op('Sub', [g.op('Shape', [x]), g.op('Shape', [cut])]);
    out[0] = g.op('Pad', [cut, g.op('Concat', [g.constInt64([0, 0, 0, 0]), missing], { axis: 0 })]);
  }
  if (needs(1)) {
    const xt = g.op('Transpose', [x], { perm: SWAP01 });
    const dt = g.op('Transpose', [d], { perm: SWAP01 });
    out[1] = cropToWeight(ctx, g.op('Conv', [xt, dt], { dilations: strides, pads }), w);
  }
  if (node.inputs.length > 2 && node.inputs[2] !== '' && needs(2)) out[2] = biasGrad(ctx, d);
  return out;
};

/** `Y = convTranspose(X, W) + B`. */
export const convTransposeRule: GradRule = (node, dy, ctx, needs) => {
  const { g } = ctx;
  const d = firstCotangent(node, dy);
  const [x, w] = node.inputs as [string, string];
  const { strides, pads } = convForm(node, ctx);
  const out: (string | undefined)[] = node.inputs.map(() => undefined);
  if (needs(0)) out[0] = g.op('Conv', [d, w], { strides, pads });
  if (needs(1)) {
    const xt = g.op('Transpose', [x], { perm: SWAP01 });
    const dt = g.op('Transpose', [d], { perm: SWAP01 });
    // [Co, Ci, k + output_padding, …] → crop → [Ci, Co, kh, kw].
    out[1] = cropToWeight(ctx, g.op('Conv', [dt, xt], { dilations: strides, pads }), w);
  }
  if (node.inputs.length > 2 && node.inputs[2] !== '' && needs(2)) out[2] = biasGrad(ctx, d);
  return out;
};
