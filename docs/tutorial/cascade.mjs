// A defection cascade (docs/MODEL-API.md builds it step by step): each official goes once the share
// of colleagues gone at the end of the last tick, plus a private shock, reaches their threshold; an
// offer paid to each defector lowers every threshold. Run it: defsim run --model ./cascade.mjs
// Parameter specs as engine/schema.ts makes them (in a package depending on defsim: import { num, int } from 'defsim').
const num = (value, min, max, unit, doc) => ({ type: 'number', default: value, min, max, integer: false, unit, doc });
const int = (value, min, max, unit, doc) => ({ ...num(value, min, max, unit, doc), integer: true });

// A seeded random stream (mulberry32): the same seed gives the same run, on any machine.
function randomStream(seed) {
  let a = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function run(p, seed, options = {}) {
  const random = randomStream(seed);
  const n = p.officials;
  const ticks = p.time.ticks;
  const lowered = (p.offer.effect * p.offer.usd) / 1000;
  const threshold = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()); // Box-Muller
    threshold[i] = p.threshold.mean + p.threshold.sd * z - lowered;
  }
  const gone = new Uint8Array(n);
  const series = { tick: new Float64Array(ticks), defected: new Float64Array(ticks), spend_usd: new Float64Array(ticks) };
  let defected = 0;
  for (let t = 0; t < ticks; t++) {
    const shareGone = defected / n; // everyone decides on the end of the last tick
    for (let i = 0; i < n; i++) {
      if (!gone[i] && shareGone + p.shock * random() >= threshold[i]) {
        gone[i] = 1;
        defected++;
      }
    }
    [series.tick[t], series.defected[t], series.spend_usd[t]] = [t, defected, defected * p.offer.usd];
    options.onTick?.(t, ticks);
  }
  return {
    columns: Object.keys(series),
    data: Object.values(series),
    metrics: { defected, defected_share: defected / n, spend_usd: defected * p.offer.usd },
    agentSteps: n * ticks,
  };
}

export const model = {
  name: 'cascade',
  version: '1.0.0',
  description: 'Officials defect once the share already gone reaches their threshold; an offer lowers every threshold',
  schema: {
    time: { ticks: int(24, 1, 600, 'ticks', 'Ticks simulated') },
    officials: int(1000, 10, 1e6, 'people', 'Officials at the start'),
    threshold: {
      mean: num(0.3, 0, 1, 'share', 'Mean threshold: the share gone at which an official goes'),
      sd: num(0.1, 0, 1, 'share', 'Standard deviation of the thresholds (normal)'),
    },
    shock: num(0.1, 0, 1, 'share', 'Largest private shock added to the share gone each tick (uniform)'),
    offer: {
      usd: num(0, 0, 1e6, 'USD', 'Paid to each defector'),
      effect: num(0.02, 0, 1, 'share per US$1,000', 'How far US$1,000 offered lowers every threshold'),
    },
  },
  ticksParameter: 'time.ticks',
  scenarios: [
    { name: 'status-quo', description: 'No offer', set: {} },
    { name: 'offer', description: 'US$5,000 to each defector', set: { 'offer.usd': 5000 } },
  ],
  baselineScenario: 'status-quo',
  series: [{ name: 'tick', unit: 'tick' }, { name: 'defected', unit: 'people (cumulative)' }, { name: 'spend_usd', unit: 'USD (cumulative)' }],
  metrics: [{ name: 'defected', unit: 'people', count: true }, { name: 'defected_share', unit: 'share' }, { name: 'spend_usd', unit: 'USD' }],
  outcomes: { effects: [{ metric: 'defected', label: 'defections', kind: 'count' }], spendMetric: 'spend_usd' },
  run,
};
