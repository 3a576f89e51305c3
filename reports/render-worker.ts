/** Piscina worker: renders one chart to a PNG file (the pool loads the compiled dist/reports/render-worker.js). */
import { writeFileSync } from 'node:fs';
import { renderChartPng } from './render.js';
import type { ChartSpec, RenderSize } from './spec.js';

export interface RenderTask {
  readonly spec: ChartSpec;
  readonly size: RenderSize;
  /** Where to write the PNG (inside the report's temporary folder). */
  readonly pngPath: string;
}

/** Renders and writes the chart; returns the PNG's size in bytes. */
export default function renderTask(task: RenderTask): number {
  const png = renderChartPng(task.spec, task.size);
  writeFileSync(task.pngPath, png);
  return png.length;
}
