/** Registers the DejaVu Sans font shipped by the dejavu-fonts-ttf package, so text renders the same on every machine. */
import { registerFont } from 'canvas';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A family name of our own, so a system font of the same name can never be picked instead. */
export const FONT_FAMILY = 'DefsimSans';

let registered = false;

/** Idempotent; must run in each thread before its first canvas is created. */
export function registerReportFont(): void {
  if (registered) return;
  const directory = fontDirectory();
  registerFont(join(directory, 'DejaVuSans.ttf'), { family: FONT_FAMILY });
  registerFont(join(directory, 'DejaVuSans-Bold.ttf'), { family: FONT_FAMILY, weight: 'bold' });
  registered = true;
}

function fontDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}
