/**
 * The transport's one door: everything about talking to LinkrAPI that the rest of the package uses. Its other files
 * are imported from here only (eslint.config.mjs enforces it); the transport's own tests may open them.
 */
export type { AccountInfo, SubmitResponse, Task, TaskComponent } from './api-types';
export { DEFAULT_BASE_URL, isLoopbackBaseUrl, normaliseBaseUrl } from './base-url';
export { baseUrlProperty, infoTest, withBearerKey } from './credential-parts';
export { fetchTask, getAccountInfo, submitAction, submitImagine, type ActionBody, type ImagineBody } from './endpoints';
export {
	HOLD_HEADER,
	HOLD_SOURCE,
	holdNamed,
	holdsOfPool,
	InvalidHoldPoolError,
	JOBS_AT_ONCE,
	JOBS_WAITING,
	type Hold,
} from './hold-pool';
export { keyDestinationRefusal } from './key-destination';
export { forLog, redactSecrets } from './redact';
export {
	CREDENTIAL_NAME,
	holdBudgetKey,
	holdCredentials,
	isLoopbackApi,
	POOL_CREDENTIAL_NAME,
	poolHolds,
} from './request';
export { budgetKey, DEFAULT_REQUESTS_PER_SECOND, REQUESTS_PER_SECOND, takeRequestSlot } from './request-budget';
export { isObject, parseTask } from './response-guards';
export { checkTaskId, taskIdProblem } from './task-id';
export { isEnded, isFailure, type TaskState } from './task-status';
