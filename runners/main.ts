/**
 * `npm start`: the main job on built-in defaults.
 */
import type { CommandModule } from 'yargs';
import { resolveParameters } from './parameters.js';
import { runToDirectory } from './run.js';
import { tickProgress } from './progress.js';

export const mainCommand: CommandModule<object, { out: string; quiet: boolean }> = {
  command: 'main',
  describe: 'The main job on built-in defaults (what `npm start` runs)',
  builder: (y) => y.option('out', { type: 'string', default: 'out' }).option('quiet', { type: 'boolean', default: false }) as never,
  handler: async (args) => {
    const params = resolveParameters('myanmar-2021');
    const progress = tickProgress('myanmar-2021', args.quiet);
    const out = `${args.out}/myanmar-2021`;
    const result = runToDirectory({ scenario: 'myanmar-2021', params, seed: 1, out, force: true, command: 'defsim main', simulate: { onTick: progress.update } });
    progress.stop();
    console.log(`myanmar-2021: ${result.summary.metrics.defected_all} defections; results in ${out}/`);
  },
};
