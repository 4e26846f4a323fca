/**
 * The contract domain (DESIGN §3 workflow/): contracts, signers and their order, willingness
 * policies, seals with grants and standing authorizations, the seal ledger, templates and bundles,
 * one-time signing links, the hash-chained audit log per contract, and the services over them.
 */
export {
  CONTRACT_STATES, WILLINGNESS_OPTIONS, DEFAULT_WILLINGNESS_POLICY, TERMINAL_STATES, signersInTurn, allSigned, isSignatureField,
  type ContractState, type SignerState, type SigningOrder, type WillingnessOption, type WillingnessPolicy, type PageFractions,
  type SignatureField, type FieldKind, type ContractDocument, type SignatureMethod, type SignatureRecord, type ContractSigner, type ContractSender,
  type AuditHead, type ContractRecord,
} from './contract.js';
export * from './contract-boxes.js';
export * from './transition.js';
export * from './seal-record.js';
export * from './template-record.js';
export * from './signing-link.js';
export * from './workflow-collections.js';
export * from './chain-events.js';
export * from './workflow-actor.js';
export * from './willingness-gate.js';
export * from './verified-subjects.js';
export * from './template-filler.js';
export * from './anchor-locator.js';
export * from './appearance-factory.js';
export * from './invalidation-agreement.js';
export * from './contract-evidence.js';
export * from './seal-service.js';
export * from './template-service.js';
export * from './contract-service.js';
export * from './contract-inbox.js';
export * from './create-workflow.js';
export * from './signet-appearances.js';
