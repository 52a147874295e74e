/**
 * The transport's one door: everything about talking to LinkrAPI that the rest of the package uses. Its other files
 * are imported from here only (eslint.config.mjs enforces it); the transport's own tests may open them.
 */
export {
	checkTaskId,
	isEnded,
	isFailure,
	isObject,
	parseTask,
	taskIdProblem,
	type AccountInfo,
	type SubmitResponse,
	type Task,
	type TaskComponent,
	type TaskState,
} from './api-types';
export {
	fetchTask,
	findTaskOnHolds,
	getAccountInfo,
	submitAction,
	submitImagine,
	type ActionBody,
	type ImagineBody,
} from './endpoints';
export {
	HOLD_HEADER,
	holdBudgetKey,
	holdCredentials,
	holdNamed,
	holdsOfPool,
	isLoopbackApi,
	JOBS_AT_ONCE,
	JOBS_WAITING,
	poolHolds,
	unknownHoldError,
	type Hold,
} from './hold-keys';
export { DEFAULT_BASE_URL, isLoopbackBaseUrl, keyDestinationRefusal, redactSecrets } from './key-destination';
export { DEFAULT_REQUESTS_PER_SECOND, REQUESTS_PER_SECOND, takeRequestSlot } from './request-budget';
