/**
 * Task items' one door: an ended task → the n8n item every path outputs (its JSON, its images as binary data), and
 * the item a failure becomes.
 */
export { describeFailure } from './describe-failure';
export {
	downloadOptionFields,
	toDownloadOptions,
	type DownloadOptions,
	type DownloadParameters,
} from './download-options';
export { endedTaskItem } from './ended-task-item';
export { errorItem, type Failure } from './error-item';
export { submittedToJson, taskToJson } from './task-json';
