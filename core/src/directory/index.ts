export * from './actor.js';
