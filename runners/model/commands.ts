/**
 * The `scenarios` and `params` commands (yargs command modules): a model's scenarios, a line
 * each, and every parameter of its schema (dotted path, default, allowed range, unit, meaning).
 */
import type { Argv, CommandModule } from 'yargs';
import { allowedText } from '../../engine/schema.js';
import { loadModel } from './load.js';
import { MODEL_OPTION } from './option.js';
import { parameterSpecs } from './parameters.js';

export const scenariosCommand: CommandModule<object, { model?: string }> = {
  command: 'scenarios',
  describe: "List the model's scenarios, a line each (the first is the default)",
  builder: (y: Argv) => y.option('model', MODEL_OPTION) as unknown as Argv<{ model?: string }>,
  handler: async (args) => {
    const { scenarios } = (await loadModel(args.model)).definition;
    const width = Math.max(...scenarios.map((s) => s.name.length));
    for (const s of scenarios) console.log(`${s.name.padEnd(width)}  ${s.description}`);
  },
};

export const paramsCommand: CommandModule<object, { format: string; model?: string }> = {
  command: 'params',
  describe: "List every parameter of the model: dotted path, default, allowed range, unit, meaning",
  builder: (y: Argv) =>
    y.option('format', { choices: ['text', 'markdown', 'json'], default: 'text' }).option('model', MODEL_OPTION) as unknown as Argv<{ format: string; model?: string }>,
  handler: async (args) => {
    const model = await loadModel(args.model);
    const rows = [...parameterSpecs(model.definition)].map(([path, spec]) => ({
      path, default: spec.default, allowed: allowedText(spec), unit: spec.unit, meaning: spec.doc, source: spec.source,
    }));
    if (args.format === 'json') return void console.log(JSON.stringify(rows, null, 2));
    if (args.format === 'markdown') {
      console.log('| parameter | default | allowed | unit | meaning |\n|---|---|---|---|---|');
      for (const r of rows) console.log(`| \`${r.path}\` | ${r.default} | ${r.allowed} | ${r.unit} | ${r.meaning}${r.source ? ` (source: ${r.source})` : ''} |`);
      return;
    }
    const w = Math.max(...rows.map((r) => r.path.length));
    for (const r of rows) console.log(`${r.path.padEnd(w)}  ${String(r.default).padEnd(10)}  ${r.allowed.padEnd(28)}  ${r.unit.padEnd(12)}  ${r.meaning}`);
  },
};
