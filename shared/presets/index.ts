export * from './schema.js';
export * from './validate.js';
export * from './builtins.js';
export * from './command.js';
