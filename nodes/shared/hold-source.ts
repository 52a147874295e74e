/** The node parameter that picks the credential, in both nodes: one hold (default, as before) or a hold pool. */
export const HOLD_SOURCE = { name: 'authentication', oneHold: 'oneHold', holdPool: 'holdPool' } as const;
