/**
 * Worlds files: what `defsim worlds` fits. A worlds file is a calibration file (the same keys;
 * docs/CALIBRATION.md) whose `parameters` include assumptions as well as calibrated parameters,
 * each optionally marked `role: calibrated` or `role: assumption`. Without `role`, a parameter's
 * role comes from its `source` in the model's parameter schema: one that starts with
 * "calibrated" is calibrated, anything else (an assumption, data, or no source) an assumption.
 * `method.kernel` defaults to `truncated` (runners/calibrate/truncated-kernel.ts): with many
 * parameters the untruncated kernel almost never lands inside the priors.
 */
import { basename, extname } from 'node:path';
import { inputError } from '../../engine/errors.js';
import { readStructuredFile } from '../io/structured-file.js';
import type { LoadedModel } from '../model/load.js';
import { parameterSpecs } from '../model/parameters.js';
import { openCalibration, type CalibrationPlan } from '../calibrate/calibration-file.js';

export type ParameterRole = 'calibrated' | 'assumption';
export const PARAMETER_ROLES: readonly ParameterRole[] = ['calibrated', 'assumption'];

/** A checked worlds file: the calibration it runs and each fitted parameter's role. */
export interface WorldsPlan {
  /** The calibration as an object (roles taken out, the kernel and name filled in), as `calibrate` takes it. */
  calibration: Record<string, unknown>;
  plan: CalibrationPlan;
  /** Role by parameter, in the calibration's parameter order. */
  roles: Record<string, ParameterRole>;
}

/** Read and check a worlds file (a YAML/JSON path or an object); nothing is written. */
export async function openWorlds(source: string | Record<string, unknown>, options: { model?: string | LoadedModel; targetsPath?: string } = {}): Promise<WorldsPlan> {
  const raw = typeof source === 'string' ? readStructuredFile(source) : source;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw inputError('(worlds file)', raw, 'a mapping of calibration keys (docs/WORLDS.md)');
  const top = raw as Record<string, unknown>;
  const explicit = new Map<string, ParameterRole>();
  let parameters = top.parameters;
  if (parameters !== null && typeof parameters === 'object' && !Array.isArray(parameters)) {
    parameters = Object.fromEntries(Object.entries(parameters as Record<string, unknown>).map(([name, prior]) => {
      if (prior === null || typeof prior !== 'object' || Array.isArray(prior) || !('role' in prior)) return [name, prior];
      const { role, ...rest } = prior as Record<string, unknown>;
      if (!(PARAMETER_ROLES as readonly unknown[]).includes(role)) throw inputError(`parameters.${name}.role`, role, `${PARAMETER_ROLES.join(' or ')} (left out: from the parameter's source in the schema)`);
      explicit.set(name, role as ParameterRole);
      return [name, rest];
    }));
  }
  const method = top.method;
  const withKernel = method !== null && typeof method === 'object' && !Array.isArray(method) && !('kernel' in method)
    ? { ...(method as Record<string, unknown>), kernel: 'truncated' }
    : method === undefined ? { type: 'abc-smc', kernel: 'truncated' } : method;
  const name = top.name ?? (typeof source === 'string' ? basename(source, extname(source)) : undefined);
  const calibration: Record<string, unknown> = { ...top, ...(name !== undefined ? { name } : {}), parameters, method: withKernel };
  const plan = await openCalibration(calibration, { model: options.model, targetsPath: options.targetsPath });
  const specs = parameterSpecs(plan.model.definition);
  const roles: Record<string, ParameterRole> = {};
  for (const prior of plan.priors) {
    const given = explicit.get(prior.name);
    roles[prior.name] = given ?? (/^calibrated\b/i.test(specs.get(prior.name)?.source ?? '') ? 'calibrated' : 'assumption');
  }
  return { calibration, plan, roles };
}
