/**
 * @signet/connector-hr: HRM employee data to contract bundles (合同组合), launched in batch and
 * exactly once per employee × bundle × period (DESIGN §8). Sources: CSV/JSON files from any HRM,
 * and Lark CoreHR onboarding events through the real `@larksuiteoapi/node-sdk`. The connector
 * only translates: contracts, seals and signing belong to the platform, reached through
 * {@link HrSignetPort} (in process, or over the REST API).
 */
export * from './hr-mapping.js';
export * from './employee-file.js';
export * from './employee-launch.js';
export * from './hr-signet-port.js';
export * from './workflow-hr-port.js';
export * from './http-hr-port.js';
export * from './launch-employee.js';
export * from './hr-collections.js';
export * from './hr-service.js';
export * from './corehr/corehr-client.js';
export * from './corehr/corehr-events.js';
export * from './sample-bundle.js';

/** The connector's name. */
export const CONNECTOR = 'hr' as const;
