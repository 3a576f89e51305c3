/**
 * `npm run bench:models`: the reference models on one core. Epstein's Model I at 40×40 (the
 * paper's densities, vision 7) and at 100×100 (same densities): agent-steps per second (a step is
 * one free citizen or cop acting once) and the cost per step at both sizes, which should not grow
 * with the grid (target ≥ 3 M agent-steps/s at both), also with legitimacy held at 0.9 (no
 * rebellion: the same work per step at both sizes). Granovetter with 10^6 people: seconds for a
 * whole run (the threshold draws, then rounds to equilibrium) near the critical sd and on the
 * 10^6-step ladder. Times are CPU seconds of this one thread (equal to wall time on an idle
 * core, and not inflated when other work shares the machine).
 */
import type { ModelDefinition, ParameterValues } from '../engine/model.js';
import { applyOverrides, defaultsOf } from '../engine/schema.js';
import { model as epstein } from '../agents/epstein/index.js';
import { model as granovetter } from '../agents/granovetter/index.js';

function parameters(model: ModelDefinition, scenario: string, overrides: Record<string, number | string | boolean>): ParameterValues {
  const set = model.scenarios.find((s) => s.name === scenario)?.set ?? {};
  return applyOverrides(model.schema, defaultsOf(model.schema), new Map(Object.entries({ ...set, ...overrides })));
}

/** CPU seconds (user + system) of this single-threaded process since `start`: on a shared machine, what one core did. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Best of `runs` seeds: agent-steps per CPU second of model.run (setup included). */
interface Timing {
  perSecond: number;
  steps: number;
  seconds: number;
  /** Mean share of citizens active in that run (Epstein). */
  activeShare: number;
}

function stepsPerSecond(model: ModelDefinition, params: ParameterValues, runs: number): Timing {
  let best: Timing = { perSecond: 0, steps: 0, seconds: 0, activeShare: 0 };
  for (let r = 0; r < runs; r++) {
    const t0 = process.cpuUsage();
    const out = model.run(params, 1 + r);
    const seconds = cpuSeconds(t0);
    const steps = out.agentSteps ?? 0;
    const citizens = Number((out.info as { citizens?: number } | undefined)?.citizens ?? 1);
    if (steps / seconds > best.perSecond) best = { perSecond: steps / seconds, steps, seconds, activeShare: (out.metrics.mean_active ?? 0) / citizens };
  }
  return best;
}

function secondsOf(model: ModelDefinition, params: ParameterValues, runs: number): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = process.cpuUsage();
    model.run(params, 1 + r);
    best = Math.min(best, cpuSeconds(t0));
  }
  return best;
}

// Warm-up so the JIT has compiled the loops before timing.
epstein.run(parameters(epstein, 'model-1', { 'time.ticks': 300 }), 99);
granovetter.run(parameters(granovetter, 'normal-25-sd-10', { 'population.people': 100_000 }), 99);

const small = stepsPerSecond(epstein, parameters(epstein, 'model-1', { 'time.ticks': 2000 }), 3);
const large = stepsPerSecond(epstein, parameters(epstein, 'model-1', { 'world.width': 100, 'world.height': 100, 'time.ticks': 400 }), 3);
// Legitimacy held at 0.9: no one rebels, so both sizes do the same work per step (moves, decisions).
const quiet = { 'legitimacy.initial': 0.9 };
const quietSmall = stepsPerSecond(epstein, parameters(epstein, 'model-1', { ...quiet, 'time.ticks': 2000 }), 3);
const quietLarge = stepsPerSecond(epstein, parameters(epstein, 'model-1', { ...quiet, 'world.width': 100, 'world.height': 100, 'time.ticks': 400 }), 3);
const shapes = (['von-neumann', 'disc'] as const).map((neighbourhood) => [neighbourhood, stepsPerSecond(epstein, parameters(epstein, 'model-1', { neighbourhood, 'time.ticks': 2000 }), 2)] as const);
const crisis = stepsPerSecond(epstein, parameters(epstein, 'legitimacy-sudden', {}), 2);

const million = 1_000_000;
const nearCritical = secondsOf(granovetter, parameters(granovetter, 'normal-25-sd-10', { 'population.people': million, 'thresholds.normal.sdShare': 0.122, 'time.ticks': 100_000 }), 3);
const ladder = secondsOf(granovetter, parameters(granovetter, 'ladder', { 'population.people': million, 'time.ticks': million }), 3);

const ns = (r: { perSecond: number }) => (1e9 / r.perSecond).toFixed(1);
console.log(`epstein model-1 40×40 (1,120 citizens, 64 cops, Moore vision 7): ${small.steps} agent-steps in ${small.seconds.toFixed(3)} CPU s (best of 3), ${ns(small)} ns/step`);
console.log(`epstein model-1 100×100 (7,000 citizens, 400 cops): ${large.steps} agent-steps in ${large.seconds.toFixed(3)} CPU s (best of 3), ${ns(large)} ns/step`);
console.log(`epstein at L = 0.9 (no rebellion): 40×40 ${ns(quietSmall)} ns/step, 100×100 ${ns(quietLarge)} ns/step`);
const pct = (r: Timing) => `${(100 * r.activeShare).toFixed(1)}%`;
console.log(`(at L = 0.82 the 100×100 torus has more outbursts at once — ${pct(large)} of citizens active on average against ${pct(small)} at 40×40 — and each active citizen's move updates what its vision sees; the grid itself adds nothing per step)`);
for (const [shape, r] of shapes) console.log(`epstein model-1 40×40, ${shape} vision 7: ${(r.perSecond / 1e6).toFixed(2)} M agent-steps/s`);
console.log(`epstein legitimacy-sudden (a mass outburst, 118 cops): ${(crisis.perSecond / 1e6).toFixed(2)} M agent-steps/s`);
console.log(`epstein_40x40_agent_steps_per_second=${Math.round(small.perSecond)}`);
console.log(`epstein_100x100_agent_steps_per_second=${Math.round(large.perSecond)}`);
console.log(`epstein_cost_ratio_100x100_to_40x40=${(small.perSecond / large.perSecond).toFixed(3)}`);
console.log(`epstein_quiet_cost_ratio_100x100_to_40x40=${(quietSmall.perSecond / quietLarge.perSecond).toFixed(3)}`);
console.log(`granovetter_1e6_near_critical_seconds=${nearCritical.toFixed(3)}`);
console.log(`granovetter_1e6_ladder_seconds=${ladder.toFixed(3)}`);
console.log(`granovetter_1e6_people_per_second=${Math.round(million / nearCritical)}`);
