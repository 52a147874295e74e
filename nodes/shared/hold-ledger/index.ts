/**
 * The hold ledger's door: what this n8n process knows of each hold, shared by every execution and both nodes (jobs in
 * flight, rests after a refusal, another user's load, which hold made a task).
 */
export { holdLedger, type LedgerJob, type OthersBusy, type PlacedJob, type Rest } from './hold-ledger';
export { FIRST_REST_MS, LONGEST_REST_MS } from './rest-after-refusal';
export { forgetOwners, ownerFirst, rememberOwner } from './task-owners';
