/**
 * The LinkrAPI contract (/work/shared/docs/linkrapi-api.md) written as zod schemas: the one place the project
 * spells out request and response shapes. The simulator validates requests with the request schemas; tests
 * import all of them to check what the node sends and how it reads what comes back.
 *
 * Request schemas are strict (unknown fields rejected) so a client that sends an undocumented field is caught;
 * the live API probably ignores extra fields. Response schemas are lenient (unknown fields pass through, optional
 * fields may be missing or null), matching the contract's golden rule "parse leniently".
 */
import { z } from 'zod';

export const REFERENCE_IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp'] as const;

/** The content-policy 400 `detail`, verbatim as documented (whitespace joined onto one line). */
export const CONTENT_POLICY_DETAIL =
	"Your prompt contains a term that violates Midjourney's content policy. Please rephrase and try again.";
/** Observed answer to a button label such as `U1` sent as `action`. */
export const ACTION_NOT_FOUND_DETAIL = 'Action not found in task components';
export const TASK_NOT_FOUND_DETAIL = 'Task not found';
export const INVALID_KEY_DETAIL = 'Invalid or missing API key';

export const NEW_VOCABULARY = [
	'queued',
	'sending',
	'starting',
	'processing',
	'uploading',
	'completed',
	'failed',
	'timeout',
] as const;
export const OLD_VOCABULARY = ['pending', 'processing', 'completed', 'failed', 'timeout'] as const;
export const TERMINAL_STATUSES = ['completed', 'failed', 'timeout'] as const;

export const DOCUMENTED_ACTIONS = [
	'upsample1',
	'upsample2',
	'upsample3',
	'upsample4',
	'variation1',
	'variation2',
	'variation3',
	'variation4',
	'reroll',
] as const;

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

function hasImageExtension(value: string): boolean {
	const pathname = new URL(value).pathname.toLowerCase();
	return REFERENCE_IMAGE_EXTENSIONS.some((extension) => pathname.endsWith(`.${extension}`));
}

const HttpUrl = z.string().refine(isHttpUrl, { message: 'must be an http(s) URL' });

export const ReferenceImageUrl = HttpUrl.refine(hasImageExtension, {
	message: `must end in ${REFERENCE_IMAGE_EXTENSIONS.map((e) => `.${e}`).join(', ')}`,
});

const NonEmptyString = z.string().trim().min(1, 'must not be empty');

export const ImagineRequest = z.strictObject({
	prompt: NonEmptyString,
	reference_image: ReferenceImageUrl.optional(),
	webhook_url: HttpUrl.optional(),
});
export type ImagineRequest = z.infer<typeof ImagineRequest>;

export const ActionRequest = z.strictObject({
	task_id: NonEmptyString,
	/** A documented name (`upsample1` … `reroll`) or a raw `custom_id` from the task's `components`. */
	action: NonEmptyString,
	webhook_url: HttpUrl.optional(),
});
export type ActionRequest = z.infer<typeof ActionRequest>;

export const SubmitResponse = z.looseObject({
	status: z.string(),
	task_id: z.string().min(1),
	message: z.string().optional(),
});
export type SubmitResponse = z.infer<typeof SubmitResponse>;

export const TaskComponent = z.looseObject({
	custom_id: z.string(),
	label: z.string().optional(),
	style: z.number().optional(),
});
export type TaskComponent = z.infer<typeof TaskComponent>;

/** The `/v1/fetch` body, also the (unverified) webhook payload. Any status string is accepted. */
export const Task = z.looseObject({
	task_id: z.string(),
	action: z.string().optional(),
	status: z.string(),
	progress: z.number().nullish(),
	prompt: z.string().nullish(),
	image_url: z.string().nullish(),
	message_id: z.string().nullish(),
	components: z.array(TaskComponent).nullish(),
	error: z.string().nullish(),
	created_at: z.string().nullish(),
	/** Observed, undocumented. */
	images: z.array(z.string()).optional(),
	grid_url: z.string().nullish(),
	cdn_url: z.string().nullish(),
});
export type Task = z.infer<typeof Task>;

export const INFO_FIELDS = [
	'user_id',
	'subscription',
	'job_mode',
	'visibility_mode',
	'fast_time_remaining',
	'lifetime_usage',
	'fast_usage',
	'turbo_usage',
	'relaxed_usage',
	'queued_jobs_fast',
	'queued_jobs_relax',
	'running_jobs',
] as const;

/** All documented `data` values are strings; unknown fields must be strings too. */
export const InfoResponse = z.looseObject({
	status: z.string(),
	data: z.record(z.string(), z.string()),
});
export type InfoResponse = z.infer<typeof InfoResponse>;

/** Only `{"detail": "..."}` is documented; `detail` may be anything else on other errors. */
export const ErrorBody = z.looseObject({
	detail: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
