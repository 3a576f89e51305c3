export * from './runners/api.js';
