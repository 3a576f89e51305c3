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
