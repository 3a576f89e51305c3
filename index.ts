export * from './runners/api.js';
// The defection model's own parameter schema and scenarios, as before the model interface (they
// are also its ModelDefinition's `schema` and `scenarios`: builtInModel('defection')).
export { PARAMETER_SCHEMA, defaultParameters, type Parameters } from './agents/defection/params.js';
export { SCENARIOS } from './agents/defection/scenarios.js';
