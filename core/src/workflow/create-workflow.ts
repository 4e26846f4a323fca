/**
 * Wires the workflow's services on one set of collections: the composition root (the server's
 * `main.ts`, or a test) calls {@link createWorkflow} once per process.
 */
import { systemClock, type Clock } from '../ports/clock.js';
import { randomIdGenerator, type IdGenerator } from '../ports/id-generator.js';
import type { RecordStore } from '../ports/record-store.js';
import { ContractInbox } from './contract-inbox.js';
import { ContractService, type ContractServiceDeps } from './contract-service.js';
import { SealService, type GroupControl } from './seal-service.js';
import { TemplateService } from './template-service.js';
import { workflowCollections, type WorkflowCollections } from './workflow-collections.js';

/** What {@link createWorkflow} needs: the store, and the contract service's ports and configuration. */
export type WorkflowDeps = Omit<ContractServiceDeps, 'collections' | 'seals' | 'templates' | 'clock' | 'ids'> & {
  store: RecordStore;
  clock?: Clock;
  ids?: IdGenerator;
  groupControl?: GroupControl;
};

/** The workflow's services, sharing one set of collections. */
export interface Workflow {
  collections: WorkflowCollections;
  contracts: ContractService;
  seals: SealService;
  templates: TemplateService;
  inbox: ContractInbox;
}

/** Builds the contract, seal, template and inbox services over `deps.store`. */
export function createWorkflow(deps: WorkflowDeps): Workflow {
  const collections = workflowCollections(deps.store);
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIdGenerator;
  const seals = new SealService({ collections, blobs: deps.blobs, clock, ids, events: deps.events, groupControl: deps.groupControl, maxAttempts: deps.maxAttempts });
  const templates = new TemplateService({ collections, blobs: deps.blobs, clock, ids });
  const contracts = new ContractService({ ...deps, collections, clock, ids, seals, templates });
  const inbox = new ContractInbox({ collections, clock });
  return { collections, contracts, seals, templates, inbox };
}
