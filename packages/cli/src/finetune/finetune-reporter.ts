import type { EpochRecord, FinetuneEvent, PrepareProgress } from '@clipseg/train';
import type { CliIO } from '../command.js';
import { ProgressBar } from '../progress.js';

/** Seconds as `1h02m`, `3m05s` or `12s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

const fmt = (v: number | undefined, digits = 4) => (v === undefined ? '–' : v.toFixed(digits));

/** One line for an epoch's record. */
export function epochLine(record: EpochRecord, epochs: number): string {
  const validation = record.validationIoU === undefined ? 'no validation split' : `validation IoU ${fmt(record.validationIoU, 3)} (loss ${fmt(record.validationLoss)})`;
  if (record.epoch === 0) return `before training: ${validation}`;
  return `epoch ${record.epoch}/${epochs}: train loss ${fmt(record.trainLoss)}, ${validation}, lr ${record.learningRate?.toExponential(2) ?? '–'}`;
}

/**
 * Shows a fine-tuning run: a progress bar with loss, learning rate and ETA on stderr, a line per epoch; with
 * `json`, every event as one JSON line on stdout instead (states excepted: they are files).
 */
export class FinetuneReporter {
  readonly #io: CliIO;
  readonly #json: boolean;
  readonly #bar: ProgressBar;
  readonly #epochs: number;
  #started: number | undefined;
  #startStep = 0;

  constructor(io: CliIO, json: boolean, epochs: number) {
    this.#io = io;
    this.#json = json;
    this.#epochs = epochs;
    this.#bar = new ProgressBar(io);
  }

  /** Encoding progress. */
  prepare(p: PrepareProgress): void {
    if (this.#json) return;
    this.#bar.update(`encoding the dataset once: ${p.done}/${p.total} examples, ${p.imagesEncoded} images`, p.done / p.total);
  }

  /** A training event. */
  event(e: FinetuneEvent): void {
    if (e.type === 'state') return;
    if (this.#json) {
      this.#io.stdout(`${JSON.stringify(e.type === 'epoch' ? { type: 'epoch', ...e.record } : e)}\n`);
      return;
    }
    if (e.type === 'epoch') {
      this.#bar.done();
      this.#io.stderr(`${epochLine(e.record, this.#epochs)}\n`);
      return;
    }
    const now = Date.now();
    if (this.#started === undefined) {
      this.#started = now;
      this.#startStep = e.step - 1;
    }
    const done = e.step - this.#startStep;
    const eta = done > 0 ? ((now - this.#started) / done) * (e.totalSteps - e.step) / 1000 : 0;
    this.#bar.update(`epoch ${e.epoch}/${e.epochs} step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(4)} lr ${e.learningRate.toExponential(2)} ETA ${formatDuration(eta)}`, e.step / e.totalSteps);
  }

  /** A note on stderr (kept off stdout even with `json`). */
  note(text: string): void {
    this.#bar.done();
    this.#io.stderr(`${text}\n`);
  }

  /** Ends the bar. */
  done(): void {
    this.#bar.done();
  }
}
