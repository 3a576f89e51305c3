/** Renders one ChartSpec to PNG bytes with chart.js through chartjs-node-canvas (white background, no animation, shipped font). */
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import { buildChartConfig } from './chart-config.js';
import { FONT_FAMILY, registerReportFont } from './font.js';
import type { ChartSpec, RenderSize } from './spec.js';

/** One renderer per canvas size, kept for the life of the thread. */
const renderers = new Map<string, ChartJSNodeCanvas>();

function rendererFor(size: RenderSize): ChartJSNodeCanvas {
  const key = `${size.width}x${size.height}`;
  let renderer = renderers.get(key);
  if (!renderer) {
    registerReportFont();
    renderer = new ChartJSNodeCanvas({
      width: size.width,
      height: size.height,
      backgroundColour: '#FFFFFF',
      chartCallback: (ChartJS) => {
        ChartJS.defaults.font.family = FONT_FAMILY;
        ChartJS.defaults.color = '#222222';
        ChartJS.defaults.animation = false;
      },
    });
    renderers.set(key, renderer);
  }
  return renderer;
}

type ChartConfig = Parameters<ChartJSNodeCanvas['renderToBufferSync']>[0];

/** What chartjs-node-canvas' (untyped, internal) renderChart returns: the Chart.js chart on a node-canvas canvas. */
interface RenderedChart {
  readonly canvas: { toBuffer(mimeType: 'image/png', config: { compressionLevel: number; filters: number }): Buffer };
  destroy(): void;
}

/**
 * PNG encoding without row filters: charts are flat colour, so this is about 25% faster than node-canvas' default
 * (all filters tried per row) and the files come out smaller. 8 = PNG_FILTER_NONE in libpng.
 */
const PNG_ENCODING = { compressionLevel: 6, filters: 8 };

/**
 * PNG bytes of a chart, width×scale by height×scale pixels. Synchronous encoding: identical specs give identical
 * bytes, and a worker thread never has an encode in flight when it is shut down.
 */
export function renderChartPng(spec: ChartSpec, size: RenderSize): Buffer {
  const config = buildChartConfig(spec, size) as ChartConfig;
  const renderer = rendererFor(size);
  const renderChart = (renderer as unknown as { renderChart?: (c: ChartConfig) => RenderedChart }).renderChart;
  if (typeof renderChart !== 'function') return renderer.renderToBufferSync(config, 'image/png');
  const chart = renderChart.call(renderer, config);
  try {
    return chart.canvas.toBuffer('image/png', PNG_ENCODING);
  } finally {
    chart.destroy();
  }
}
