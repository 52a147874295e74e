/** The four LinkrAPI endpoints, for an authenticated request. */
import { z } from 'zod';

import { componentsFor, resolveAction, type ActionResult, type ButtonSet } from './components';
import { violatesContentPolicy } from './content-policy';
import {
	ACTION_NOT_FOUND_DETAIL,
	ActionRequest,
	CONTENT_POLICY_DETAIL,
	ImagineRequest,
	TASK_NOT_FOUND_DETAIL,
	type SubmitResponse,
} from './contract';
import type { Exchange } from './exchange';
import { QUEUE_FULL_DETAIL, holdOf } from './holds';
import { HUGE_IMAGE_BYTES, parsePromptFaults, redirectLocation, type FaultGates } from './faults';
import type { Waits } from './http';
import { GRID_SIZE, TILE_SIZE, UPSCALE_2X_SIZE, quadrantSeed, type ImageSpec } from './images';
import { endAt, type Outcome } from './lifecycle';
import type { RuntimeConfig } from './options';
import type { NewTask, SimTask, TaskStore } from './tasks';
import { taskView } from './task-view';
import type { WebhookSender } from './webhooks';

export interface ApiContext {
	config: () => RuntimeConfig;
	clock: () => number;
	store: TaskStore;
	gates: FaultGates;
	waits: Waits;
	webhooks: WebhookSender;
	cdnUrl: () => string;
}

function validationDetail(error: z.ZodError): string {
	return error.issues
		.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
		.join('; ');
}

/** The body as JSON, or answers 400 and returns undefined. */
function jsonBody(exchange: Exchange): unknown {
	const contentType = exchange.request.headers['content-type'] ?? '';
	if (!contentType.toLowerCase().includes('application/json')) {
		exchange.detail(400, 'Content-Type must be application/json');
		return undefined;
	}
	const body = exchange.body;
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		exchange.detail(400, 'Request body must be a JSON object');
		return undefined;
	}
	return body;
}

/** A prompt token first, then the hold's own task faults (an account problem), then the global ones. */
function taskOutcome(context: ApiContext, key: string, fromPrompt?: Outcome): Outcome {
	if (fromPrompt) return fromPrompt;
	const config = context.config();
	const holdRule = holdOf(config, key).taskFaults;
	if (holdRule && context.gates.fires(holdRule)) return holdRule.outcome;
	const rule = config.taskFaults;
	return rule && context.gates.fires(rule) ? rule.outcome : 'complete';
}

/**
 * Refuses a submit when the hold's queue is full. LinkrAPI documents no queue limit (contract §8); assumed here: it
 * answers like a rate limit, 429 with a `detail` and `Retry-After` (seconds until a place frees), and starts no job.
 */
function refuseWhenQueueFull(context: ApiContext, exchange: Exchange, key: string): boolean {
	const fullUntil = context.store.queueFullUntil(key, context.config());
	if (fullUntil === undefined) return false;
	const seconds = Math.max(1, Math.ceil((fullUntil - context.clock()) / 1000));
	const headers: Record<string, string> = Number.isFinite(fullUntil) ? { 'retry-after': String(seconds) } : {};
	exchange.refuse(429, QUEUE_FULL_DETAIL, 'queue-full', headers);
	return true;
}

function submit(
	context: ApiContext,
	exchange: Exchange,
	task: Omit<NewTask, 'key' | 'outcome'>,
	message: string,
	promptOutcome?: Outcome,
): void {
	const key = exchange.key as string;
	if (refuseWhenQueueFull(context, exchange, key)) return;
	const outcome = taskOutcome(context, key, promptOutcome);
	const created: SimTask = context.store.create({ ...task, key, outcome }, context.config());
	if (created.webhookUrl) {
		context.webhooks.watch({
			url: created.webhookUrl,
			taskId: created.id,
			endsAt: endAt(created),
			view: () => {
				const state = context.store.state(created, context.config().vocabulary);
				return { task: taskView(created, state, context.cdnUrl()), terminal: state.terminal };
			},
		});
	}
	const body: SubmitResponse = { status: 'SUCCESS', task_id: created.id, message };
	exchange.json(200, body);
}

export async function imagine(context: ApiContext, exchange: Exchange): Promise<void> {
	const body = jsonBody(exchange);
	if (body === undefined) return;
	const prompt = (body as { prompt?: unknown }).prompt;
	const faults = typeof prompt === 'string' ? parsePromptFaults(prompt) : {};
	if (faults.submit && (await exchange.inject(faults.submit, context.waits))) return;
	if (faults.redirect) {
		const location = redirectLocation(exchange.request.headers.host, exchange.request.url ?? '/');
		return exchange.json(307, { detail: 'Moved' }, { location });
	}

	const parsed = ImagineRequest.safeParse(body);
	if (!parsed.success) return exchange.detail(400, validationDetail(parsed.error));
	if (violatesContentPolicy(parsed.data.prompt)) return exchange.detail(400, CONTENT_POLICY_DETAIL);

	submit(
		context,
		exchange,
		{
			action: 'imagine',
			prompt: parsed.data.prompt,
			buttons: 'grid',
			image: (id) => ({
				kind: 'grid',
				seed: id,
				size: GRID_SIZE,
				...(faults.hugeImage ? { hugeBytes: HUGE_IMAGE_BYTES } : {}),
			}),
			webhookUrl: parsed.data.webhook_url,
		},
		'Task submitted successfully',
		faults.outcome,
	);
}

export function fetchTask(context: ApiContext, exchange: Exchange, taskId: string): void {
	const task = context.store.find(taskId, exchange.key ?? undefined);
	if (!task) return exchange.detail(404, TASK_NOT_FOUND_DETAIL);
	const state = context.store.state(task, context.config().vocabulary);
	if (state.terminal && task.noticedAt === undefined) task.noticedAt = context.clock();
	exchange.json(200, taskView(task, state, context.cdnUrl()));
}

const RESULTS: Record<
	ActionResult,
	{ buttons: ButtonSet; image: (original: SimTask, index: number, id: string) => ImageSpec }
> = {
	'grid': { buttons: 'grid', image: (_original, _index, id) => ({ kind: 'grid', seed: id, size: GRID_SIZE }) },
	'upscale': {
		buttons: 'upscale',
		image: (original, index) => ({ kind: 'single', seed: quadrantSeed(original.image.seed, index), size: TILE_SIZE }),
	},
	'upscale-2x': {
		buttons: 'upscale',
		image: (original) => ({ kind: 'single', seed: original.image.seed, size: UPSCALE_2X_SIZE }),
	},
};

export function action(context: ApiContext, exchange: Exchange): void {
	const body = jsonBody(exchange);
	if (body === undefined) return;
	const parsed = ActionRequest.safeParse(body);
	if (!parsed.success) return exchange.detail(400, validationDetail(parsed.error));

	const original = context.store.find(parsed.data.task_id, exchange.key ?? undefined);
	if (!original) return exchange.detail(404, TASK_NOT_FOUND_DETAIL);
	const state = context.store.state(original, context.config().vocabulary);
	if (state.status !== 'completed') {
		return exchange.detail(
			400,
			`Original task is not completed (status: ${state.status}), so it has no components yet`,
		);
	}
	const components = componentsFor(original.buttons, original.jobId, original.prompt);
	if (!components) return exchange.detail(400, 'Original task has no components');
	const resolved = resolveAction(parsed.data.action, components);
	if (!resolved) return exchange.detail(400, ACTION_NOT_FOUND_DETAIL);

	const result = RESULTS[resolved.result];
	submit(
		context,
		exchange,
		{
			action: resolved.name,
			prompt: original.prompt,
			buttons: result.buttons,
			image: (id) => result.image(original, resolved.index, id),
			webhookUrl: parsed.data.webhook_url,
			parentId: original.id,
		},
		'Action submitted successfully',
	);
}
