export * from './fixed-clock.js';
export * from './sequential-id-generator.js';
export * from './in-memory-blob-store.js';
export * from './recording-message-sender.js';
export * from './recording-event-publisher.js';
export * from './in-memory-record-store.js';
