/** @signet/connector-oa: OA approval flows to seal stamping. Built in issue #7. */
export const CONNECTOR = 'oa' as const;
