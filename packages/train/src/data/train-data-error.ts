import { CLIPSegError } from '@clipseg/core';

/**
 * Stable codes of {@link TrainDataError}.
 *
 * - `TRAIN_DATA_INVALID`: the dataset has problems; `details.problems` lists every one found (see
 *   {@link DatasetProblem}), `details.problemCount` counts them all.
 * - `TRAIN_DATA_INVALID_ARGUMENT`: an option passed by the caller is out of range (a fraction outside [0, 1] …).
 * - `TRAIN_DATA_MASK_INVALID`: a mask decoded at training time does not fit its image (size) or is not an image.
 */
export type TrainDataErrorCode = 'TRAIN_DATA_INVALID' | 'TRAIN_DATA_INVALID_ARGUMENT' | 'TRAIN_DATA_MASK_INVALID';

/** One problem found while validating a dataset. */
export interface DatasetProblem {
  /** The dataset file the problem is in or about (a FileSet name, e.g. `dataset.jsonl`, `images/cat.png`). */
  readonly file: string;
  /** Where in that file, when it has a place: `line 3`, `annotations[12].segmentation[0]` … */
  readonly where?: string;
  /** What is wrong, in words. */
  readonly message: string;
}

/** Most problems kept in `details.problems`; `details.problemCount` still counts them all. */
export const MAX_LISTED_PROBLEMS = 10_000;

/** A fine-tuning dataset is unusable, or an argument about one is out of range. */
export class TrainDataError extends CLIPSegError<TrainDataErrorCode> {}

/** Collects {@link DatasetProblem}s so that validation reports all of them at once. */
export class ProblemList {
  private readonly kept: DatasetProblem[] = [];
  private total = 0;

  /** Records one problem. */
  add(file: string, message: string, where?: string): void {
    this.total++;
    if (this.kept.length < MAX_LISTED_PROBLEMS) this.kept.push(where === undefined ? { file, message } : { file, where, message });
  }

  /** The problems kept (at most {@link MAX_LISTED_PROBLEMS}). */
  list(): DatasetProblem[] {
    return [...this.kept];
  }

  /** Number of problems recorded. */
  get count(): number {
    return this.total;
  }

  /**
   * Throws {@link TrainDataError} `TRAIN_DATA_INVALID` listing every problem, when there is any.
   * @param location - the dataset's location, for the message
   */
  throwIfAny(location: string): void {
    if (this.total === 0) return;
    const shown = this.kept.slice(0, 5).map((p) => `  ${p.file}${p.where === undefined ? '' : ` (${p.where})`}: ${p.message}`);
    const more = this.total > shown.length ? `\n  … and ${this.total - shown.length} more (error.details.problems lists them)` : '';
    throw new TrainDataError(
      'TRAIN_DATA_INVALID',
      `The dataset at ${location} has ${this.total} problem${this.total === 1 ? '' : 's'}; fix them and run again:\n${shown.join('\n')}${more}`,
      { details: { location, problems: [...this.kept], problemCount: this.total } },
    );
  }
}
