/**
 * `defsim new-model NAME`: a starter model in one ES module (NAME.mjs: the tutorial's cascade model
 * of docs/MODEL-API.md under the new name) and an experiment that sweeps it (NAME-experiment.yaml),
 * both runnable as they are: `defsim run --model ./NAME.mjs`, `defsim sweep NAME-experiment.yaml`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InputError, inputError } from '../../engine/errors.js';
import { makeDirectory } from '../io/output-error.js';
import { PACKAGE_ROOT, writeFileAtomic } from '../io/outputs.js';
import { MODEL_NAMES } from './load.js';

/** The tutorial's final model, which the starter copies. */
export const STARTER_SOURCE = join(PACKAGE_ROOT, 'docs', 'tutorial', 'cascade.mjs');

const NAME = /^[a-z0-9][a-z0-9-]*$/;

export interface NewModel {
  model: string;
  experiment: string;
}

/** Write NAME.mjs and NAME-experiment.yaml into `dir`; refuses a bad name, or files that exist unless `force`. */
export function writeNewModel(name: string, dir = '.', force = false): NewModel {
  if (!NAME.test(name)) throw inputError('NAME', name, "lowercase letters, digits and '-', starting with a letter or digit (it is the model's name)");
  if (MODEL_NAMES.includes(name)) throw inputError('NAME', name, `a name no built-in model has (built in: ${MODEL_NAMES.join(', ')})`);
  const model = join(dir, `${name}.mjs`);
  const experiment = join(dir, `${name}-experiment.yaml`);
  for (const file of [model, experiment]) {
    if (existsSync(file) && !force) throw new InputError(`invalid value for 'NAME': ${JSON.stringify(name)}: '${file}' exists (allowed: a name whose files do not exist yet, or add --force to overwrite them)`);
  }
  const source = readFileSync(STARTER_SOURCE, 'utf8')
    .replace(/^\/\/ A defection cascade \(docs\/MODEL-API\.md builds it step by step\)/, `// ${name}: a starter model written by defsim new-model, the cascade of docs/MODEL-API.md`)
    .replace("name: 'cascade',", `name: '${name}',`)
    .replace('./cascade.mjs', `./${name}.mjs`);
  if (!source.includes(`name: '${name}',`)) throw new Error(`the starter model ${STARTER_SOURCE} has no "name: 'cascade'," to rename`);
  const modelPath = relative(process.cwd(), resolve(model));
  const experimentText = [
    `# A sweep of the ${name} model written by defsim new-model: defections as the offer grows, effects over`,
    '# no offer with paired replicates (docs/SWEEPS.md). Model paths are read from the working directory:',
    `#   npx defsim sweep ${relative(process.cwd(), resolve(experiment))} --out out/${name}`,
    `model: ${modelPath.startsWith('.') ? modelPath : `./${modelPath}`}`,
    `name: ${name}-offer`,
    'ticks: 24',
    'replicates: 5',
    'seed: 1',
    'seeds: common',
    'baseline: { offer.usd: 0 }',
    'design:',
    '  type: grid',
    '  parameters:',
    '    offer.usd: [0, 1000, 2000, 5000]',
    'record: { series: every-tick }',
    '',
  ].join('\n');
  makeDirectory(dir);
  writeFileAtomic(model, source);
  writeFileAtomic(experiment, experimentText);
  return { model, experiment };
}

interface NewModelArgs { name: string; dir: string; force: boolean }

export const newModelCommand: CommandModule<object, NewModelArgs> = {
  command: 'new-model <name>',
  describe: 'Write a starter model (NAME.mjs, one ES module) and an experiment that sweeps it (NAME-experiment.yaml), both runnable as they are',
  builder: (y: Argv) =>
    y
      .positional('name', { type: 'string', describe: "The model's name: lowercase letters, digits and '-'" })
      .option('dir', { type: 'string', default: '.', describe: 'Directory for the two files' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite the two files if they exist' }) as unknown as Argv<NewModelArgs>,
  handler: (args) => {
    const files = writeNewModel(args.name, args.dir, args.force);
    const model = relative(process.cwd(), resolve(files.model));
    console.log(`wrote ${files.model} and ${files.experiment}; run them with:`);
    console.log(`  defsim run --model ${model.startsWith('.') ? model : `./${model}`}`);
    console.log(`  defsim sweep ${files.experiment}`);
    console.log('the model is explained step by step in docs/MODEL-API.md');
  },
};
