/** Test helpers for reports: synthetic result directories (docs/FORMATS.md) in temp folders, and PNG checks. */
import { createCanvas, loadImage } from 'canvas';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticRun, writeSyntheticSweep, type SyntheticInputs, type SyntheticSweepOptions } from '../reports/synthetic.js';

const made: string[] = [];

/** A fresh temp folder, removed by cleanupTempDirs(). */
export async function tempDir(prefix = 'defsim-reports-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function cleanupTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A single-run result directory (series.csv, summary.json, manifest.json kind "run"). */
export async function makeRunDir(parent: string, name = 'run-7', inputs: Partial<SyntheticInputs> = {}): Promise<string> {
  const dir = join(parent, name);
  await writeSyntheticRun(dir, { ticks: 36, ...inputs });
  return dir;
}

/** A sweep result directory (runs.csv, points.csv, optional series.csv, manifest.json kind "sweep"). */
export async function makeSweepDir(parent: string, name: string, options: SyntheticSweepOptions): Promise<string> {
  const dir = join(parent, name);
  await writeSyntheticSweep(dir, { replicates: 3, ticks: 24, ...options });
  return dir;
}

export const ONE_PARAMETER: SyntheticSweepOptions = { varied: { 'payout.scale': [0.5, 1, 2] } };
export const TWO_PARAMETERS: SyntheticSweepOptions = { varied: { 'sponsors.budget_usd': [20e6, 60e6], 'payout.scale': [1, 2] }, withSeries: false };
export const SCENARIOS: SyntheticSweepOptions = { varied: { scenario: ['myanmar-2021', 'cash-only', 'families-first'] }, withSeries: false };

/** Overwrites a file of a result directory (to break it). */
export async function overwrite(dir: string, file: string, text: string): Promise<void> {
  await writeFile(join(dir, file), text);
}

/** Keeps the first `lines` lines of a file, cutting the next line in half (a truncated write). */
export async function truncateLines(dir: string, file: string, lines: number): Promise<void> {
  const all = (await readFile(join(dir, file), 'utf8')).split('\n');
  const half = all[lines].slice(0, Math.floor(all[lines].length / 2));
  await writeFile(join(dir, file), [...all.slice(0, lines), half].join('\n'));
}

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Parses the IHDR chunk; throws when the bytes are not a PNG. */
export function pngHeader(bytes: Buffer): PngHeader {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG (bad signature)');
  if (bytes.subarray(12, 16).toString('ascii') !== 'IHDR') throw new Error('not a PNG (first chunk is not IHDR)');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bitDepth: bytes[24], colourType: bytes[25] };
}

export interface PixelStats {
  width: number;
  height: number;
  /** Variance of grey levels over all pixels (0 for a blank image). */
  greyVariance: number;
  /** Share of fully transparent pixels. */
  transparentShare: number;
  /** RGBA of the top-left pixel. */
  corner: [number, number, number, number];
}

/** Decodes a PNG with canvas and measures its pixels. */
export async function pixelStats(bytes: Buffer): Promise<PixelStats> {
  const image = await loadImage(bytes);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, image.width, image.height).data;
  let sum = 0;
  let sumOfSquares = 0;
  let transparent = 0;
  const pixels = image.width * image.height;
  for (let i = 0; i < data.length; i += 4) {
    const grey = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    sum += grey;
    sumOfSquares += grey * grey;
    if (data[i + 3] === 0) transparent++;
  }
  const mean = sum / pixels;
  return {
    width: image.width,
    height: image.height,
    greyVariance: sumOfSquares / pixels - mean * mean,
    transparentShare: transparent / pixels,
    corner: [data[0], data[1], data[2], data[3]],
  };
}
