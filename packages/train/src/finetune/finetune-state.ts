/**
 * A fine-tuning run's resumable state: the decoder parameters, AdamW's moments and where the run stands, saved as
 * one safetensors file. A resumed run continues exactly where the saved one stopped.
 *
 * @module
 */
import { bytesSource, createTensor, openSafetensors, writeSafetensors, type Tensor } from '@clipseg/core';
import type { AdamWState } from '../training/adamw.js';
import { TrainingError } from '../training/training-error.js';
import type { ResolvedFinetuneOptions } from './finetune-options.js';

/** What one epoch gave: the mean training loss and the validation figures. */
export interface EpochRecord {
  /** 1 for the first epoch; 0 is the model before training (validation only). */
  readonly epoch: number;
  /** Mean training loss over the epoch's steps (absent for epoch 0). */
  readonly trainLoss?: number;
  /** Mean IoU at threshold 0.5 over the validation examples (absent without validation examples). */
  readonly validationIoU?: number;
  /** BCE-with-logits mean over the validation examples. */
  readonly validationLoss?: number;
  /** Learning rate of the epoch's last step. */
  readonly learningRate?: number;
}

/** Where a run stands and what it has learned so far. */
export interface FinetuneState {
  /** Identifies the data, settings and model the state belongs to (see {@link finetuneFingerprint}). */
  readonly fingerprint: string;
  /** The settings of the run. */
  readonly options: ResolvedFinetuneOptions;
  /** Epochs completed. */
  readonly epoch: number;
  /** Batches completed within epoch `epoch + 1`. */
  readonly batch: number;
  /** Optimizer steps taken in all. */
  readonly step: number;
  /** Sum of the current epoch's step losses so far (for its mean). */
  readonly epochLossSum: number;
  /** Records of the epochs so far (epoch 0 first). */
  readonly history: readonly EpochRecord[];
  /** The decoder parameters, by HF name. */
  readonly parameters: ReadonlyMap<string, Float32Array>;
  /** AdamW's state. */
  readonly optimizer: AdamWState;
}

const FORMAT = 'clipseg-finetune-state';
const VERSION = 1;

/** The state as one safetensors file: `param.<name>`, `adam.m.<name>`, `adam.v.<name>`; the rest in metadata. */
export function encodeFinetuneState(state: FinetuneState): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  for (const [name, values] of state.parameters) tensors[`param.${name}`] = createTensor('float32', [values.length], values);
  for (const [name, values] of Object.entries(state.optimizer.expAvg)) tensors[`adam.m.${name}`] = createTensor('float32', [values.length], values);
  for (const [name, values] of Object.entries(state.optimizer.expAvgSq)) tensors[`adam.v.${name}`] = createTensor('float32', [values.length], values);
  const { parameters: _p, optimizer, ...rest } = state;
  return writeSafetensors(tensors, { format: FORMAT, version: String(VERSION), state: JSON.stringify({ ...rest, optimizerStep: optimizer.step }) });
}

const damaged = (why: string) => new TrainingError('TRAINING_STATE_MISMATCH', `The fine-tuning state file is damaged (${why}); remove it and start the run again without resume.`);

/**
 * Reads a state written by {@link encodeFinetuneState}.
 *
 * @throws TrainingError `TRAINING_STATE_MISMATCH` when the bytes are not such a state
 */
export async function decodeFinetuneState(bytes: Uint8Array): Promise<FinetuneState> {
  let reader;
  try {
    reader = await openSafetensors(bytesSource(bytes));
  } catch (error) {
    throw damaged(error instanceof Error ? error.message : String(error));
  }
  try {
    const meta = reader.metadata;
    if (meta?.['format'] !== FORMAT || meta['version'] !== String(VERSION) || typeof meta['state'] !== 'string') throw damaged(`not a ${FORMAT} version ${VERSION}`);
    const parsed = JSON.parse(meta['state']) as Omit<FinetuneState, 'parameters' | 'optimizer'> & { optimizerStep: number };
    const { optimizerStep, ...rest } = parsed;
    const parameters = new Map<string, Float32Array>();
    const expAvg: Record<string, Float32Array> = {};
    const expAvgSq: Record<string, Float32Array> = {};
    for (const name of reader.names) {
      const t = await reader.read(name);
      if (!(t.data instanceof Float32Array)) throw damaged(`${name} is not float32`);
      if (name.startsWith('param.')) parameters.set(name.slice(6), t.data.slice());
      else if (name.startsWith('adam.m.')) expAvg[name.slice(7)] = t.data.slice();
      else if (name.startsWith('adam.v.')) expAvgSq[name.slice(7)] = t.data.slice();
    }
    const ok = typeof rest.fingerprint === 'string' && Number.isInteger(rest.epoch) && Number.isInteger(rest.batch) && Number.isInteger(rest.step) && Array.isArray(rest.history) && Number.isInteger(optimizerStep);
    if (!ok) throw damaged('its position fields are missing');
    return { ...rest, parameters, optimizer: { step: optimizerStep, expAvg, expAvgSq } };
  } catch (error) {
    if (error instanceof TrainingError) throw error;
    throw damaged(error instanceof Error ? error.message : String(error));
  } finally {
    await reader.close();
  }
}
