import { InMemoryRecordStore } from '@signet/core/testing';
import { recordStoreContract } from './record-store.contract.js';

// The reference behaviour: every adapter's contract run must agree with this one.
recordStoreContract('InMemoryRecordStore', { open: async () => new InMemoryRecordStore() });
