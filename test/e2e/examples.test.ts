import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	assertExecutionStatus,
	bindCredential,
	capabilitiesOf,
	type CreatedWorkflow,
	type CredentialRef,
	discardPackedTarball,
	type Execution,
	LINKRAPI_CREDENTIAL_TYPE,
	LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE,
	type N8nServer,
	newApiKey,
	nodeOutput,
	packageTarball,
	pollUntil,
	REPO_ROOT,
	startN8n,
	type WorkflowJson,
	hasEnded,
} from '../../real-n8n/harness';
import { type Simulator, startSimulator } from '../../simulator';
import { E2E_TEST_TIMEOUT_MS, FAST_TASKS } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
/** The folder the examples write to: n8n's default file-access root in its Docker image, plus `midjourney`. */
const EXAMPLE_FOLDER = '/home/node/.n8n-files/midjourney';
/** Placeholders a user replaces after importing. */
const EXAMPLE_N8N_URL = 'https://your-n8n.example.com/';
const EXAMPLE_SECRET = 'REPLACE_WITH_YOUR_SECRET_TOKEN';
const MANUAL_TRIGGER = 'When clicking ‘Execute workflow’';
const SCHEDULE_TRIGGER = 'Every day at 6:00';
const RUN_TIMEOUT_MS = 60_000;
const TRIGGER_REGISTRATION_TIMEOUT_MS = 15_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The examples write files with n8n's Read/Write Files from Disk node, which n8n 2.x confines to
 * N8N_RESTRICT_FILE_ACCESS_TO (default `~/.n8n-files`), read once at start-up. So this file starts its own n8n whose
 * allowed folder is a temp dir, instead of using the shared one from the global setup (and the user's home).
 */
describe('The workflows in examples/, imported into a real n8n and run against the simulator', () => {
	let n8n: N8nServer;
	let sim: Simulator;
	let apiKey: string;
	/** The pool's second hold; its first is `apiKey` */
	let secondKey: string;
	let credential: CredentialRef;
	let pool: CredentialRef & { type: string };
	let filesRoot: string;

	beforeAll(async () => {
		filesRoot = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'linkrapi-examples-')));
		apiKey = newApiKey();
		secondKey = newApiKey();
		sim = await startSimulator({ ...FAST_TASKS, keys: [apiKey, secondKey] });
		const tgz = packageTarball();
		n8n = await startN8n({ tgz, env: { N8N_RESTRICT_FILE_ACCESS_TO: filesRoot, N8N_LOG_LEVEL: 'debug' } });
		discardPackedTarball(tgz);
		credential = await n8n.createCredential('LinkrAPI account', LINKRAPI_CREDENTIAL_TYPE, {
			apiKey,
			baseUrl: sim.url,
		});
		pool = await n8n.createCredential('LinkrAPI hold pool', LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE, {
			holds: {
				hold: [
					{ name: 'main', apiKey, jobsAtOnce: 3, jobsWaiting: 0 },
					{ name: 'second', apiKey: secondKey, jobsAtOnce: 3, jobsWaiting: 0 },
				],
			},
			baseUrl: sim.url,
		});
	});

	afterAll(async () => {
		const log = n8n?.readLog() ?? '';
		await n8n?.stop();
		await sim?.stop();
		if (filesRoot) fs.rmSync(filesRoot, { recursive: true, force: true });
		expect(log).not.toContain(apiKey);
		expect(log).not.toContain(secondKey);
	});

	beforeEach(() => sim.reset());

	/** A fresh folder standing in for the example's output folder; it exists, as the sticky notes ask. */
	function newOutputFolder(): string {
		return fs.mkdtempSync(path.join(filesRoot, 'midjourney-'));
	}

	/**
	 * The example file as a user would set it up after importing: their credential, their folder, their n8n's URL
	 * and secret token in place of the placeholders.
	 */
	function importExample(file: string, replacements: Record<string, string> = {}): WorkflowJson {
		let text = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8');
		for (const [placeholder, value] of Object.entries(replacements)) text = text.split(placeholder).join(value);
		return bindCredential(bindCredential(JSON.parse(text) as WorkflowJson, credential), pool);
	}

	function expectNoKeyIn(execution: Execution): void {
		expect(JSON.stringify(execution)).not.toContain(apiKey);
		expect(JSON.stringify(execution)).not.toContain(secondKey);
	}

	async function cdnImage(url: unknown): Promise<Buffer> {
		return Buffer.from(await (await fetch(String(url))).arrayBuffer());
	}

	/** n8n answers an activated trigger's URL with 404 until the webhook is registered; then a wrong token gets 401. */
	async function waitUntilTriggerListens(triggerUrl: string): Promise<void> {
		const probe = triggerUrl.replace(/token=[^&]*$/, 'token=not-the-token');
		let response: Response | undefined;
		await pollUntil(
			`the LinkrAPI Trigger's production URL ${probe}`,
			async () => {
				response = await fetch(probe, {
					method: 'POST',
					body: '{}',
					headers: { 'content-type': 'application/json' },
				});
				return response.status === 401 || undefined;
			},
			{
				timeoutMs: TRIGGER_REGISTRATION_TIMEOUT_MS,
				intervalMs: 200,
				onTimeout: async () =>
					`The LinkrAPI Trigger's production URL ${probe} still answers ${response?.status} ` +
					`${(await response?.text())?.slice(0, 200)} ${TRIGGER_REGISTRATION_TIMEOUT_MS / 1000} s after activation.`,
			},
		);
	}

	async function latestExecutionId(workflow: CreatedWorkflow): Promise<number> {
		const [latest] = await n8n.listExecutions(workflow.id, 1);
		return latest ? Number(latest.id) : 0;
	}

	/** The first execution of a workflow after `afterId` that started by itself (here: the trigger), once it ended. */
	async function executionAfter(workflow: CreatedWorkflow, afterId: number): Promise<Execution> {
		return await pollUntil(
			`workflow "${workflow.name}" to run`,
			async () => {
				const [latest] = await n8n.listExecutions(workflow.id, 1);
				return latest && Number(latest.id) > afterId && hasEnded(latest.status)
					? await n8n.getExecution(latest.id)
					: undefined;
			},
			{
				timeoutMs: RUN_TIMEOUT_MS,
				intervalMs: 250,
				onTimeout: () => `Workflow "${workflow.name}" did not run within a minute.`,
			},
		);
	}

	it('imagine-upscale-download.json: Execute workflow gives the grid, then Upscale Image 1 as a PNG file', async () => {
		const workflow = await n8n.createWorkflow(importExample('imagine-upscale-download.json'));

		const execution = await n8n.executeManually(workflow, MANUAL_TRIGGER, { timeoutMs: RUN_TIMEOUT_MS });

		assertExecutionStatus(execution, 'success');
		const [grid] = nodeOutput(execution, 'Imagine');
		expect(grid.json).toMatchObject({
			status: 'completed',
			final_prompt: 'a lighthouse on a cliff at sunset, watercolor --ar 1:1 --s 250',
		});
		expect(grid.binary?.data).toMatchObject({ mimeType: 'image/png' });
		const [upscaled] = nodeOutput(execution, 'Upscale Image 1');
		expect(upscaled.json).toMatchObject({ status: 'completed', action: 'upsample1' });
		expect(upscaled.binary?.data).toMatchObject({
			mimeType: 'image/png',
			fileName: `${String(upscaled.json.task_id)}.png`,
		});
		const stored = await n8n.readBinary(upscaled.binary?.data ?? {});
		expect(stored.subarray(0, 8)).toEqual(PNG_SIGNATURE);
		expect(stored.equals(await cdnImage(upscaled.json.image_url))).toBe(true);
		const { requests } = sim.inspect();
		expect(requests.filter((request) => request.route === 'POST /imagine').map((request) => request.body)).toEqual([
			{ prompt: 'a lighthouse on a cliff at sunset, watercolor --ar 1:1 --s 250' },
		]);
		expect(requests.filter((request) => request.route === 'POST /action').map((request) => request.body)).toEqual([
			{ task_id: grid.json.task_id, action: 'upsample1' },
		]);
		expectNoKeyIn(execution);
	});

	it('imagine-upscale-zoom.json: Upscale Image 2, its Zoom Out 2x button by name, then Upscale Image 1 of the zoom', async () => {
		const workflow = await n8n.createWorkflow(importExample('imagine-upscale-zoom.json'));

		const execution = await n8n.executeManually(workflow, MANUAL_TRIGGER, { timeoutMs: RUN_TIMEOUT_MS });

		assertExecutionStatus(execution, 'success');
		const [upscaled] = nodeOutput(execution, 'Upscale Image 2');
		const [zoom] = nodeOutput(execution, 'Zoom Out 2x');
		expect(zoom.json).toMatchObject({
			status: 'completed',
			button: 'Zoom Out 2x',
			source_task_id: upscaled.json.task_id,
		});
		expect(zoom.json.images).toHaveLength(4);
		const [last] = nodeOutput(execution, 'Upscale Image 1 of the zoom');
		expect(last.json).toMatchObject({ status: 'completed', action: 'upsample1', source_task_id: zoom.json.task_id });
		const stored = await n8n.readBinary(last.binary?.data ?? {});
		expect(stored.equals(await cdnImage(last.json.image_url))).toBe(true);
		const actions = sim
			.inspect()
			.requests.filter((request) => request.route === 'POST /action')
			.map((request) => (request.body as { action: string }).action);
		expect(actions).toEqual(['upsample2', zoom.json.custom_id, 'upsample1']);
		expect(String(zoom.json.custom_id)).toMatch(/^MJ::Outpaint::50::1::/);
		expectNoKeyIn(execution);
	});

	describe('webhook-automation-submit.json + webhook-automation-receive.json', () => {
		let submitter: CreatedWorkflow;
		let receiver: CreatedWorkflow;
		let triggerUrl: string;
		let folder: string;

		beforeAll(async () => {
			const token = randomBytes(24).toString('hex');
			folder = newOutputFolder();
			const setUp = { [EXAMPLE_FOLDER]: folder, [EXAMPLE_N8N_URL]: `${n8n.baseUrl}/`, [EXAMPLE_SECRET]: token };
			receiver = await n8n.deployWorkflow(importExample('webhook-automation-receive.json', setUp));
			const trigger = receiver.json.nodes.find((node) => node.type === 'n8n-nodes-linkrapi.linkrApiTrigger');
			triggerUrl = `${n8n.baseUrl}/webhook/${String(trigger?.webhookId)}/callback?token=${token}`;
			await waitUntilTriggerListens(triggerUrl);
			submitter = await n8n.deployWorkflow(importExample('webhook-automation-submit.json', setUp));
		});

		it('answers the POSTed prompt with its task_id at once; the callback saves the image as <task_id>.png', async () => {
			const before = await latestExecutionId(receiver);

			const run = await n8n.runWorkflow(submitter, { body: { prompt: 'a red fox in the snow --ar 3:2' } });

			assertExecutionStatus(run.execution, 'success');
			expect(run.httpStatus).toBe(202);
			expect(run.response).toEqual({ task_id: expect.any(String), status: 'submitted' });
			const taskId = (run.response as { task_id: string }).task_id;
			const submit = sim.inspect().requests.find((request) => request.route === 'POST /imagine');
			expect(submit?.body).toEqual({ prompt: 'a red fox in the snow --ar 3:2', webhook_url: triggerUrl });

			const received = await executionAfter(receiver, before);

			assertExecutionStatus(received, 'success');
			const [task] = nodeOutput(received, 'When a Midjourney task ends');
			expect(task.json).toMatchObject({ task_id: taskId, status: 'completed' });
			const [saved] = nodeOutput(received, 'Save image to disk');
			expect(saved.json.fileName).toBe(path.join(folder, `${taskId}.png`));
			expect(nodeOutput(received, 'Failed or timed out')).toEqual([]);
			const file = fs.readFileSync(path.join(folder, `${taskId}.png`));
			expect(file.subarray(0, 8)).toEqual(PNG_SIGNATURE);
			expect(file.equals(await cdnImage(task.json.image_url))).toBe(true);
			const inspected = sim.inspect();
			expect(inspected.webhookDeliveries).toEqual([
				expect.objectContaining({ url: triggerUrl, taskId, statusCode: 200, attempt: 1 }),
			]);
			// Verify With API: the trigger re-fetched the task with the credential instead of trusting the callback.
			expect(inspected.requests.filter((request) => request.path.endsWith(`/fetch/${taskId}`))).toHaveLength(1);
			expectNoKeyIn(run.execution);
			expectNoKeyIn(received);
		});

		it('routes a failed task to "Failed or timed out" and saves nothing', async () => {
			const filesBefore = fs.readdirSync(folder);
			const before = await latestExecutionId(receiver);

			const run = await n8n.runWorkflow(submitter, { body: { prompt: 'a red fox [[fail]]' } });
			const taskId = (run.response as { task_id: string }).task_id;
			const received = await executionAfter(receiver, before);

			assertExecutionStatus(received, 'success');
			expect(nodeOutput(received, 'Failed or timed out')[0].json).toMatchObject({
				task_id: taskId,
				status: 'failed',
				error: expect.stringContaining('Banned prompt'),
			});
			expect(nodeOutput(received, 'Save image to disk')).toEqual([]);
			expect(fs.readdirSync(folder)).toEqual(filesBefore);
		});
	});

	it('batch-survives-restart-submit.json + batch-survives-restart-wait.json: the submit execution ends with every task id, the wait execution saves <task_id>.png for each', async () => {
		const folder = newOutputFolder();
		const waitJson = importExample('batch-survives-restart-wait.json', { [EXAMPLE_FOLDER]: folder });
		// As its sticky note asks (n8n 2.x calls only published sub-workflows from published ones; 1.x cannot
		// activate a workflow whose only trigger is "When Executed by Another Workflow").
		const wait = capabilitiesOf(n8n.connection.n8nVersion).workflowPublishing
			? await n8n.deployWorkflow(waitJson)
			: await n8n.createWorkflow(waitJson);
		const submit = await n8n.createWorkflow(
			importExample('batch-survives-restart-submit.json', { REPLACE_WITH_THE_WAIT_WORKFLOW_ID: wait.id }),
		);

		const execution = await n8n.executeManually(submit, MANUAL_TRIGGER, { timeoutMs: RUN_TIMEOUT_MS });
		const waited = await executionAfter(wait, 0);

		assertExecutionStatus(execution, 'success');
		const submitted = nodeOutput(execution, 'Imagine all prompts');
		expect(submitted.map((item) => item.json.status)).toEqual(['submitted', 'submitted', 'submitted']);
		assertExecutionStatus(waited, 'success');
		const images = nodeOutput(waited, 'Wait for all images');
		expect(images.map((item) => item.json.task_id)).toEqual(submitted.map((item) => item.json.task_id));
		const { requests } = sim.inspect();
		expect(requests.filter((request) => request.route === 'POST /imagine')).toHaveLength(3);
		expect(fs.readdirSync(folder).sort()).toEqual(images.map((item) => `${String(item.json.task_id)}.png`).sort());
		for (const item of images) {
			expect(item.json.status).toBe('completed');
			const file = fs.readFileSync(path.join(folder, `${String(item.json.task_id)}.png`));
			expect(file.equals(await cdnImage(item.json.image_url))).toBe(true);
		}
		expectNoKeyIn(execution);
		expectNoKeyIn(waited);
	});

	it('scheduled-batch-from-csv.json: one upscaled PNG per CSV prompt, named after the prompt', async () => {
		const folder = newOutputFolder();
		fs.copyFileSync(path.join(EXAMPLES_DIR, 'prompts.csv'), path.join(folder, 'prompts.csv'));
		const workflow = await n8n.createWorkflow(
			importExample('scheduled-batch-from-csv.json', { [EXAMPLE_FOLDER]: folder }),
		);

		const execution = await n8n.executeManually(workflow, SCHEDULE_TRIGGER, { timeoutMs: RUN_TIMEOUT_MS });

		assertExecutionStatus(execution, 'success');
		const prompts = [
			'a lighthouse on a cliff at sunset, watercolor --ar 3:2',
			'a red fox in the snow, photo --ar 1:1',
			'an old map of the sea with sea monsters',
		];
		const files = [
			'a-lighthouse-on-a-cliff-at-sunset-watercolor.png',
			'a-red-fox-in-the-snow-photo.png',
			'an-old-map-of-the-sea-with-sea-monsters.png',
		];
		const { requests } = sim.inspect();
		expect(requests.filter((request) => request.route === 'POST /imagine').map((request) => request.body)).toEqual(
			prompts.map((prompt) => ({ prompt })),
		);
		const grids = nodeOutput(execution, 'Imagine all prompts');
		expect(requests.filter((request) => request.route === 'POST /action').map((request) => request.body)).toEqual(
			grids.map((grid) => ({ task_id: grid.json.task_id, action: 'upsample1' })),
		);
		expect(fs.readdirSync(folder).sort()).toEqual([...files, 'prompts.csv'].sort());
		const upscaled = nodeOutput(execution, 'Upscale image 1');
		expect(upscaled).toHaveLength(3);
		for (const [index, item] of upscaled.entries()) {
			expect(item.json).toMatchObject({ status: 'completed', action: 'upsample1' });
			const file = fs.readFileSync(path.join(folder, files[index]));
			expect(file.subarray(0, 8)).toEqual(PNG_SIGNATURE);
			expect(file.equals(await cdnImage(item.json.image_url))).toBe(true);
		}
		expectNoKeyIn(execution);
	});

	it('scheduled-batch-over-a-hold-pool.json: the CSV batch shared over two holds, each grid upscaled on its own hold', async () => {
		const folder = newOutputFolder();
		fs.copyFileSync(path.join(EXAMPLES_DIR, 'prompts.csv'), path.join(folder, 'prompts.csv'));
		const workflow = await n8n.createWorkflow(
			importExample('scheduled-batch-over-a-hold-pool.json', { [EXAMPLE_FOLDER]: folder }),
		);

		const execution = await n8n.executeManually(workflow, SCHEDULE_TRIGGER, { timeoutMs: RUN_TIMEOUT_MS });

		assertExecutionStatus(execution, 'success');
		const grids = nodeOutput(execution, 'Imagine all prompts');
		const upscaled = nodeOutput(execution, 'Upscale image 1');
		expect(new Set(grids.map((grid) => grid.json.hold))).toEqual(new Set(['main', 'second']));
		for (const item of upscaled) {
			const grid = grids.find((candidate) => candidate.json.task_id === item.json.source_task_id);
			expect(item.json).toMatchObject({ status: 'completed', hold: grid?.json.hold });
		}
		expect(fs.readdirSync(folder).filter((file) => file.endsWith('.png'))).toHaveLength(3);
		expect(sim.inspect().requests.filter((request) => request.status === 404)).toEqual([]);
		expectNoKeyIn(execution);
	});
});
