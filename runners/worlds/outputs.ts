/**
 * What `defsim worlds` adds to a calibration's files (docs/FORMATS.md, "Plausible worlds"):
 * worlds.csv (the posterior particles: one row per world with its importance weight — the format
 * `defsim decide` reads), assumptions.csv (per fitted parameter, what the record says about it)
 * and the manifest's kind `worlds` with the roles, the rule and how the worlds were made. A pure
 * function of the calibration run, so the bytes are the same for any workers and across resumes.
 */
import { csvCell, formatNumber } from '../io/csv.js';
import { parameterSpecs } from '../model/parameters.js';
import type { CalibrationRun } from '../calibrate/results.js';
import type { ResultExtension } from '../calibrate/outputs.js';
import { describePrior } from '../calibrate/priors.js';
import { effectiveSampleSize } from '../calibrate/weighted.js';
import {
  CONSTRAINED_SD_RATIO, RULED_OUT_PRIOR_MASS, WEAK_SD_RATIO, parameterVerdict, type ParameterVerdict,
} from './assumptions.js';
import type { ParameterRole } from './worlds-file.js';

export const WORLDS_FILE = 'worlds.csv';
export const ASSUMPTIONS_FILE = 'assumptions.csv';

export const VERDICT_RULE =
  `in sampling space (ln x for log-uniform priors), r = posterior sd / prior sd and the prior's mass below the posterior's q05 and above its q95 (0.05 each when the posterior is the prior): ` +
  `constrained if r <= ${CONSTRAINED_SD_RATIO}; else two-sided if both masses >= ${RULED_OUT_PRIOR_MASS}, one-sided if one is (the record rules out that end); ` +
  `else weak if r <= ${WEAK_SD_RATIO}; else none (the record leaves the prior as it was)`;

/** Every fitted parameter's verdict, in the calibration's parameter order. */
export function verdicts(run: CalibrationRun, roles: Record<string, ParameterRole>): ParameterVerdict[] {
  const { posterior } = run.result;
  const specs = parameterSpecs(run.plan.model.definition);
  return run.plan.priors.map((prior, k) => parameterVerdict(
    prior.name, roles[prior.name], prior.spec, posterior.values.map((v) => v[k]), posterior.weights, specs.get(prior.name)?.unit ?? '',
  ));
}

/** worlds.csv: world (0-based), weight (summing to 1), then each fitted parameter by its dotted path. */
export function worldsCsv(run: CalibrationRun): string {
  const { posterior } = run.result;
  const lines = [['world', 'weight', ...run.plan.priors.map((p) => csvCell(p.name))].join(',')];
  posterior.values.forEach((values, k) => lines.push([String(k), formatNumber(posterior.weights[k]), ...values.map(formatNumber)].join(',')));
  return lines.join('\n') + '\n';
}

/** assumptions.csv: per fitted parameter, its role, prior against posterior, and the verdict. */
export function assumptionsCsv(run: CalibrationRun, rows: readonly ParameterVerdict[]): string {
  const lines = ['parameter,role,prior,prior_mean,prior_sd,posterior_mean,posterior_median,q05,q95,sd_ratio,prior_mass_below_q05,prior_mass_above_q95,constraint,verdict'];
  rows.forEach((r, k) => lines.push([
    csvCell(r.parameter), r.role, csvCell(describePrior(run.plan.priors[k].spec)), formatNumber(r.priorMean), formatNumber(r.priorSd),
    formatNumber(r.posteriorMean), formatNumber(r.posteriorMedian), formatNumber(r.q05), formatNumber(r.q95), formatNumber(r.sdRatio),
    formatNumber(r.priorMassBelow), formatNumber(r.priorMassAbove), r.constraint, csvCell(r.verdict),
  ].join(',')));
  return lines.join('\n') + '\n';
}

/** The files and manifest fields `defsim worlds` adds (runners/calibrate/outputs.ts writes them, the manifest last). */
export function worldsExtension(run: CalibrationRun, roles: Record<string, ParameterRole>): ResultExtension {
  const rows = verdicts(run, roles);
  const { posterior } = run.result;
  const names = run.plan.priors.map((p) => p.name);
  return {
    kind: 'worlds',
    files: { [WORLDS_FILE]: worldsCsv(run), [ASSUMPTIONS_FILE]: assumptionsCsv(run, rows) },
    manifest: {
      worlds: {
        file: WORLDS_FILE,
        count: posterior.values.length,
        generation: posterior.generation,
        ess: effectiveSampleSize(posterior.weights),
        parameters: names,
        what: 'the particles of the last complete ABC-SMC generation: a weighted sample from the joint posterior of every fitted parameter (calibrated and assumption) given the fitted targets; a world is one particle with the other parameters at the scenario and set',
      },
      roles,
      roleRule: 'role: in the worlds file; without it, the parameter\'s source in the schema: "calibrated..." -> calibrated, anything else -> assumption',
      assumptions: {
        file: ASSUMPTIONS_FILE,
        rule: VERDICT_RULE,
        constraints: Object.fromEntries(rows.map((r) => [r.parameter, r.constraint])),
      },
      kernelParameters: run.result.generations
        .filter((g) => g.kernelParameters !== undefined)
        .map((g) => ({ generation: g.generation, parameters: g.kernelParameters!.map((a) => names[a]) })),
      units: {
        world: 'id (0-based, the posterior particle)',
        sd_ratio: 'posterior sd / prior sd, in sampling space (ln x for log-uniform priors)',
        prior_mass_below_q05: 'share of the prior below the posterior 5% quantile (0.05 when the posterior is the prior)',
        prior_mass_above_q95: 'share of the prior above the posterior 95% quantile (0.05 when the posterior is the prior)',
        prior_mean: "the parameter's own unit (manifest.parameters[].unit), also prior_sd, posterior_mean, posterior_median, q05, q95",
      },
    },
  };
}
