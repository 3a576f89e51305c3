/**
 * What re-running one kind of result directory is given and must do (runners/reproduce/kinds.ts
 * names the kinds; a capability's own folder may implement its kind, e.g. calibrate/reproduce.ts).
 */
import type { LoadedModel } from '../model/load.js';
import type { Manifest } from './manifest.js';

export interface RerunContext {
  /** The directory being reproduced (its files already checked against the manifest). */
  dir: string;
  manifest: Manifest;
  /** The model that made it (checked against the manifest: name, and a module's sha256). */
  model: LoadedModel;
  /** An empty temporary directory: write the re-run's files here, under the names in `manifest.files`. */
  into: string;
  /** Worker threads for kinds that use the pool (`--workers`, default all cores). */
  workers: number;
  quiet: boolean;
}

/** Re-run what a manifest describes into `context.into`; throw an InputError naming the manifest field it cannot use. */
export type Rerun = (context: RerunContext) => Promise<void>;
