export * from './schema.js';
export * from './plan.js';
export * from './names.js';
export * from './manifest.js';
export * from './files.js';
