import type { CliIO } from './command.js';

const WIDTH = 28;

/**
 * A progress bar on stderr. On a terminal it redraws one line; elsewhere
 * (logs, CI, tests) it prints a line only when the step changes.
 */
export class ProgressBar {
  readonly #io: CliIO;
  #lastStep = '';
  #lastDraw = 0;
  #drawn = false;

  constructor(io: CliIO) {
    this.#io = io;
  }

  /** Shows `step` at `fraction` (0..1). */
  update(step: string, fraction: number): void {
    const f = Math.min(1, Math.max(0, fraction));
    if (!this.#io.interactive) {
      if (step !== this.#lastStep) this.#io.stderr(`${step}\n`);
      this.#lastStep = step;
      return;
    }
    const now = Date.now();
    if (step === this.#lastStep && now - this.#lastDraw < 80 && f < 1) return;
    this.#lastStep = step;
    this.#lastDraw = now;
    const filled = Math.round(f * WIDTH);
    this.#io.stderr(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.round(f * 100)).padStart(3)}% ${step}`);
    this.#drawn = true;
  }

  /** Ends the bar (moves to a fresh line on terminals). */
  done(): void {
    if (this.#drawn) this.#io.stderr('\n');
    this.#drawn = false;
  }
}
