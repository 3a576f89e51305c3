/**
 * Progress on stderr: a bar on a terminal (cli-progress), a plain line at most every few seconds
 * otherwise, nothing with --quiet.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update: (done: number, total: number, extra?: string) => void;
  stop: () => void;
}

export function tickProgress(label: string, quiet: boolean): Progress {
  const wrap = progressReporter(label, quiet, 'ticks');
  return { update: (tick, total) => wrap.update(tick + 1, total), stop: wrap.stop };
}

export function progressReporter(label: string, quiet: boolean, unit: string, intervalMs = 3000): Progress {
  if (quiet) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      update: (done, total, extra = '') => {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            { format: `${label} [{bar}] {value}/{total} ${unit} | {rate} | ETA {eta_formatted} {extra}`, stream: process.stderr, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, 0, { rate: '', extra: '' });
        }
        bar.update(done, { extra, rate: '' });
      },
      stop: () => bar?.stop(),
    };
  }
  let last = 0;
  return {
    update: (done, total, extra = '') => {
      const now = performance.now();
      if (done === total || now - last >= intervalMs) {
        last = now;
        process.stderr.write(`${label}: ${done}/${total} ${unit}${extra ? ' ' + extra : ''}\n`);
      }
    },
    stop: () => {},
  };
}

/**
 * Progress of a sweep: on a terminal a bar with runs done/total, runs per second (this session),
 * ETA and failures; otherwise a plain line at most every `intervalMs`; nothing with --quiet.
 */
export interface RunsProgress {
  update: (done: number, total: number, failed: number) => void;
  stop: () => void;
}

export function runsProgress(label: string, quiet: boolean, intervalMs = 5000): RunsProgress {
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
  if (process.stderr.isTTY) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      update: (done, total, failed) => {
        if (!bar) {
          started = { at: performance.now(), done };
          bar = new cliProgress.SingleBar(
            { format: `${label} [{bar}] {value}/{total} runs | {rate} runs/s | ETA {etaText} | {failed} failed`, stream: process.stderr, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done, { rate: '0', etaText: '?', failed });
        }
        bar.update(done, { rate: rate(done).toFixed(1), etaText: eta(done, total), failed });
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
        process.stderr.write(`${label}: ${done}/${total} runs, ${rate(done).toFixed(1)} runs/s, ETA ${eta(done, total)}, ${failed} failed\n`);
      }
    },
    stop: () => {},
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
