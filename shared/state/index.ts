export * from './item.js';
export * from './batch.js';
