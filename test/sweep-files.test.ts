/**
 * Statistics against hand-computed values, and the final files assembled from a journal: run_id
 * order whatever the journal order, torn and repeated lines ignored, CSV quoting, points.csv.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as math from 'mathjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../runners/sweep/experiment.js';
import { planSweep } from '../runners/sweep/design.js';
import { assembleSweep } from '../runners/sweep/files.js';
import { csvCell } from '../runners/io/csv.js';
import { JournalIndex, journalHeader, scanJournal, sweepIdentity, type JournalRecord } from '../runners/sweep/journal.js';
import { sealedLine } from '../runners/io/journal-record.js';
import { describe as describeValues, studentTQuantile } from '../runners/sweep/stats.js';
import { MODEL_VERSION } from '../agents/defection/model.js';

const tmp = mkdtempSync(join(tmpdir(), 'defsim-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('statistics', () => {
  it('match hand-computed values', () => {
    // 2 4 4 4 5 5 7 9: mean 5, squared deviations sum to 32, sample variance 32/7.
    const s = describeValues(math, [2, 4, 4, 4, 5, 5, 7, 9]);
    const sd = Math.sqrt(32 / 7);
    const half = 2.364624251592784 * (sd / Math.sqrt(8)); // t(0.975, 7)
    expect(s.n).toBe(8);
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(sd, 14);
    expect(s.ci95Low).toBeCloseTo(5 - half, 9);
    expect(s.ci95High).toBeCloseTo(5 + half, 9);
    expect([s.min, s.max]).toEqual([2, 9]);
  });

  it('use finite values only: n counts them; one value has no sd or interval; none has nothing', () => {
    expect(describeValues(math, [1, NaN, 3, Infinity])).toMatchObject({ n: 2, mean: 2, sd: Math.SQRT2, min: 1, max: 3 });
    const one = describeValues(math, [NaN, 4]);
    expect(one).toMatchObject({ n: 1, mean: 4, min: 4, max: 4 });
    expect([one.sd, one.ci95Low, one.ci95High].every(Number.isNaN)).toBe(true);
    expect(describeValues(math, []).n).toBe(0);
    expect(Number.isNaN(describeValues(math, [NaN]).mean)).toBe(true);
  });

  it('use the Student t quantile with n−1 degrees of freedom', () => {
    const table: [number, number][] = [[1, 12.706204736174694], [2, 4.302652729749462], [4, 2.7764451051977934], [7, 2.364624251592784], [9, 2.262157162798205], [30, 2.0422724563012378], [1000, 1.9623390808264083]];
    for (const [df, t] of table) expect(studentTQuantile(math, 0.975, df)).toBeCloseTo(t, 9);
    const ci = describeValues(math, [10, 12]); // mean 11, sd √2, half = 12.7062 · √2/√2
    expect(ci.ci95High - ci.mean).toBeCloseTo(12.706204736174707, 9);
  });
});

describe('assembling a sweep from its journal', () => {
  const experiment = loadExperiment({
    name: 'assemble', set: { 'population.scale': 1000 }, ticks: 3, replicates: 3, seed: 4,
    design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true] } }, record: { series: 'every-tick' },
  });
  const plan = planSweep(experiment);

  function record(runId: number, metrics: Record<string, number | null>, status: 'ok' | 'failed' = 'ok', error: string | null = null): JournalRecord {
    const pointId = Math.floor(runId / 3);
    return {
      runId, pointId, replicate: runId % 3, seed: 1000 + runId, parameters: plan.points[pointId].values, status, error, metrics,
      series: status === 'ok' ? { columns: ['tick', 'x'], csv: `0,${runId}\n1,${runId + 0.5}\n2,\n` } : null,
    };
  }

  function writeJournal(dir: string, records: JournalRecord[], tail = ''): string {
    const path = join(dir, 'journal.ndjson');
    writeFileSync(path, JSON.stringify(journalHeader(experiment, plan.hash, MODEL_VERSION, plan.runs)) + '\n');
    for (const r of records) appendFileSync(path, sealedLine(r, sweepIdentity(plan)(r.runId)!) + '\n');
    appendFileSync(path, tail);
    return path;
  }

  const records = [
    record(0, { a: 1, b: 10 }), record(1, { a: 2, b: null }), record(2, { a: 6, b: 30 }),
    record(3, { a: 5, b: 1 }), record(4, {}, 'failed', 'Error: boom, "quoted"'), record(5, { a: 7, b: 2 }),
  ];

  it('writes runs.csv, points.csv and series.csv in run_id order, whatever the journal order', async () => {
    const dirs = [0, 1].map(() => mkdtempSync(join(tmp, 'assemble-')));
    const shuffled = [records[4], records[1], records[5], records[0], records[3], records[2]];
    const journals = [writeJournal(dirs[0], records), writeJournal(dirs[1], [...shuffled, records[2]], '{"runId": 3, "status": "ok", "metr')];
    const manifests = [];
    for (const [i, dir] of dirs.entries()) {
      const index = new JournalIndex([journals[i]], plan.runs, sweepIdentity(plan));
      manifests.push(await assembleSweep(dir, plan, index));
      index.close();
    }
    for (const file of ['runs.csv', 'points.csv', 'series.csv', 'manifest.json']) {
      expect(readFileSync(join(dirs[1], file), 'utf8'), file).toBe(readFileSync(join(dirs[0], file), 'utf8'));
    }
    const runs = readFileSync(join(dirs[0], 'runs.csv'), 'utf8').split('\n');
    expect(runs[0]).toBe('run_id,point_id,replicate,seed,sanctions.offRamp,a,b,status,error');
    expect(runs[1]).toBe('0,0,0,1000,false,1,10,ok,');
    expect(runs[2]).toBe('1,0,1,1001,false,2,,ok,');
    expect(runs[5]).toBe('4,1,1,1004,true,,,failed,"Error: boom, ""quoted"""');
    const points = readFileSync(join(dirs[0], 'points.csv'), 'utf8').split('\n');
    expect(points[0]).toBe('point_id,sanctions.offRamp,metric,n,mean,sd,ci95_low,ci95_high,min,max');
    // point 0, metric a: 1 2 6 → mean 3, sd √7, half-width t(0.975, 2)·√7/√3
    const half = 4.302652729749464 * Math.sqrt(7) / Math.sqrt(3);
    const a0 = points[1].split(',');
    expect(a0.slice(0, 5)).toEqual(['0', 'false', 'a', '3', '3']);
    expect(Number(a0[5])).toBeCloseTo(Math.sqrt(7), 14);
    expect(Number(a0[6])).toBeCloseTo(3 - half, 9);
    expect(Number(a0[7])).toBeCloseTo(3 + half, 9);
    expect(a0.slice(8)).toEqual(['1', '6']);
    expect(points[2]).toBe('0,false,b,2,20,14.142135623730951,' + points[2].split(',').slice(6, 8).join(',') + ',10,30');
    expect(points[4]).toBe('1,true,b,2,1.5,0.7071067811865476,' + points[4].split(',').slice(6, 8).join(',') + ',1,2');
    const series = readFileSync(join(dirs[0], 'series.csv'), 'utf8').split('\n');
    expect(series.slice(0, 4)).toEqual(['run_id,point_id,replicate,tick,x', '0,0,0,0,0', '0,0,0,1,0.5', '0,0,0,2,']);
    expect(series.length).toBe(1 + 5 * 3 + 1); // five ok runs, three ticks, final newline
    expect(manifests[0]).toMatchObject({ kind: 'sweep', runs: 6, points: 2, failed: 1, varied: ['sanctions.offRamp'], metrics: ['a', 'b'], experimentHash: plan.hash });
    const sha = (await import('node:crypto')).createHash('sha256').update(readFileSync(join(dirs[0], 'runs.csv'))).digest('hex');
    expect(manifests[0].files['runs.csv']).toBe(sha);
  });

  it('scans a journal with a torn last line: complete lines count, the torn bytes are cut on resume', () => {
    const dir = mkdtempSync(join(tmp, 'journal-'));
    const path = writeJournal(dir, records.slice(0, 4), '{"runId": 4, "sta');
    const scan = scanJournal(path, plan.runs, sweepIdentity(plan));
    expect(scan.header?.experimentHash).toBe(plan.hash);
    expect(scan.finished).toBe(4);
    expect(Array.from(scan.done)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(scan.validLength).toBe(readFileSync(path).length - '{"runId": 4, "sta'.length);
  });

  it('quotes CSV cells only when needed', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  });
});
