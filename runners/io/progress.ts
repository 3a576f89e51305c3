/**
 * Progress on stderr: on a terminal a bar (cli-progress) with done/total, rate, ETA and failures;
 * otherwise a plain line at most every few seconds (and at the end); nothing with --quiet.
 */
import cliProgress from 'cli-progress';

export interface RunsProgress {
  update: (done: number, total: number, failed: number) => void;
  stop: () => void;
}

interface ProgressOptions {
  /** What is counted: 'runs', 'ticks', … */
  unit?: string;
  /** Show the failure count (sweeps). */
  failures?: boolean;
  intervalMs?: number;
}

/** Progress of work counted in `unit`s. */
export function runsProgress(label: string, quiet: boolean, options: ProgressOptions = {}): RunsProgress {
  const { unit = 'runs', failures = true, intervalMs = 5000 } = options;
  if (quiet) return { update: () => {}, stop: () => {} };
  let started: { at: number; done: number } | undefined;
  const rate = (done: number) => {
    const seconds = (performance.now() - started!.at) / 1000;
    return seconds > 0 ? (done - started!.done) / seconds : 0;
  };
  const eta = (done: number, total: number) => {
    const r = rate(done);
    return done >= total ? '0s' : r > 0 ? formatSeconds((total - done) / r) : '?';
  };
  const failedText = (failed: number) => (failures ? `, ${failed} failed` : '');
  if (process.stderr.isTTY) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      update: (done, total, failed) => {
        if (!bar) {
          started = { at: performance.now(), done };
          bar = new cliProgress.SingleBar(
            { format: `${label} [{bar}] {value}/{total} ${unit} | {rate} ${unit}/s | ETA {etaText}{failedText}`, stream: process.stderr, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done, { rate: '0', etaText: '?', failedText: failedText(failed) });
        }
        bar.update(done, { rate: rate(done).toFixed(1), etaText: eta(done, total), failedText: failedText(failed) });
      },
      stop: () => bar?.stop(),
    };
  }
  let last = -Infinity;
  return {
    update: (done, total, failed) => {
      const now = performance.now();
      if (!started) started = { at: now, done };
      if ((done === total && last !== Infinity) || now - last >= intervalMs) {
        last = done === total ? Infinity : now;
        process.stderr.write(`${label}: ${done}/${total} ${unit}, ${rate(done).toFixed(1)} ${unit}/s, ETA ${eta(done, total)}${failedText(failed)}\n`);
      }
    },
    stop: () => {},
  };
}

/** Progress of one run, tick by tick (`onTick` gives the 0-based tick). */
export function tickProgress(label: string, quiet: boolean): { update: (tick: number, ticks: number) => void; stop: () => void } {
  const progress = runsProgress(label, quiet, { unit: 'ticks', failures: false, intervalMs: 3000 });
  return { update: (tick, ticks) => progress.update(tick + 1, ticks, 0), stop: progress.stop };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Progress as one free-text status line (calibrations: generation, tolerance, acceptance, ETA):
 * rewritten in place on a terminal, otherwise printed at most every `intervalMs` (and when `final`).
 */
export function statusProgress(label: string, quiet: boolean, intervalMs = 5000): { update: (text: string, final?: boolean) => void; stop: () => void } {
  if (quiet) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    let width = 0;
    return {
      update: (text) => {
        const line = `${label}: ${text}`;
        process.stderr.write(`\r${line.padEnd(width)}`);
        width = line.length;
      },
      stop: () => {
        if (width > 0) process.stderr.write('\n');
        width = 0;
      },
    };
  }
  let last = -Infinity;
  return {
    update: (text, final = false) => {
      const now = performance.now();
      if (final || now - last >= intervalMs) {
        last = now;
        process.stderr.write(`${label}: ${text}\n`);
      }
    },
    stop: () => {},
  };
}

/** Seconds as 45s, 3m05s or 2h10m. */
export function durationText(seconds: number): string {
  return formatSeconds(seconds);
}
