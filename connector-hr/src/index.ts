/** @signet/connector-hr: HRM employee data to contract bundles. Built in issue #8. */
export const CONNECTOR = 'hr' as const;
