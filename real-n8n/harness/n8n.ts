import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

import { dataCaughtUp, type Execution } from './execution';
import { ensureN8nInstalled, type N8nInstallation } from './install';
import { pollUntil } from './poll-until';
import {
	getFreePort,
	isPortFree,
	killProcessGroup,
	killProcessGroupNow,
	runCommand,
	startProcessGroup,
} from './processes';
import {
	bindCredential,
	type CredentialRef,
	LINKRAPI_NODE_TYPE,
	makeWebhooksUnique,
	webhookPathOf,
	type WorkflowJson,
} from './workflow';

export interface OwnerAccount {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const DEFAULT_OWNER: OwnerAccount = {
	email: 'owner@example.com',
	password: 'E2e-Passw0rd',
	firstName: 'E2E',
	lastName: 'Owner',
};

/** Everything a second process needs to talk to a running n8n (written to a JSON file by the jest global setup). */
export interface N8nConnection {
	baseUrl: string;
	port: number;
	userFolder: string;
	logFile: string;
	n8nHome: string;
	n8nVersion: string;
	cookie: string;
	browserId: string;
	owner: OwnerAccount;
	pid?: number;
	/**
	 * Where production webhooks are served, when not by `baseUrl` (queue mode: a separate `n8n webhook` process).
	 * runWorkflow POSTs to `<webhookBaseUrl>/webhook/<path>`; default `baseUrl`.
	 */
	webhookBaseUrl?: string;
}

export interface CreatedWorkflow {
	id: string;
	versionId: string;
	name: string;
	/** `/webhook/<path>` of its first Webhook node. */
	webhookPath?: string;
	json: WorkflowJson;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export interface WorkflowRun {
	/** HTTP status of the webhook call (200, or 500 when the workflow failed with responseMode lastNode). */
	httpStatus: number;
	/** The webhook's answer: parsed JSON when it is JSON, else the text. */
	response: unknown;
	execution: Execution;
}

export interface RunOptions {
	/** Sent as the JSON body of the POST to the webhook; workflows read it as `$json.body`. */
	body?: unknown;
	/** Give up waiting for the webhook's answer after this long. */
	timeoutMs?: number;
	/**
	 * Execution statuses that count as "done" (default: anything but new/running). A workflow that pauses (Wait node,
	 * Pause Until Callback) and answers its webhook at once passes e.g. `(s) => s === 'success' || s === 'error'`.
	 */
	settled?: (status: string) => boolean;
	/** How long to wait for a settled execution after the webhook answered (default 30 s). */
	executionTimeoutMs?: number;
}

/** The parts of a node type description (INodeTypeDescription) that the tests read. */
export interface NodeTypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	inputs?: unknown;
	outputs?: unknown;
	usableAsTool?: boolean;
	codex?: { categories?: string[]; subcategories?: Record<string, string[]> };
	properties: Array<{ name: string; displayName: string; type: string; [key: string]: unknown }>;
	credentials?: Array<{ name: string; required?: boolean }>;
	[key: string]: unknown;
}

export class N8nRequestError extends Error {
	constructor(
		readonly method: string,
		readonly route: string,
		readonly status: number,
		readonly body: string,
	) {
		super(`n8n ${method} ${route} answered ${status}: ${body.slice(0, 500)}`);
	}
}

const WEBHOOK_REGISTRATION_TIMEOUT_MS = 30_000;
const EXECUTION_SAVE_TIMEOUT_MS = 30_000;

/** A logged-in client of a running n8n's internal REST API (the one the editor uses). */
export class N8nClient {
	readonly baseUrl: string;

	private readonly flatted: { parse: (text: string) => unknown };

	constructor(readonly connection: N8nConnection) {
		this.baseUrl = connection.baseUrl;
		// Execution data comes back in n8n's "flatted" encoding; use n8n's own copy of the library to decode it.
		const n8nRequire = createRequire(path.join(connection.n8nHome, 'node_modules', 'n8n', 'package.json'));
		this.flatted = n8nRequire('flatted') as { parse: (text: string) => unknown };
	}

	/** Calls `/rest<route>` with the session cookie; returns the `data` member of n8n's `{ data }` envelope. */
	async rest<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: {
				'cookie': this.connection.cookie,
				'browser-id': this.connection.browserId,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new N8nRequestError(method, route, response.status, text);
		const parsed = text ? (JSON.parse(text) as { data?: T }) : {};
		return parsed.data as T;
	}

	async createCredential(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<CredentialRef & { type: string }> {
		const created = await this.rest<{ id: string; name: string; type: string }>('POST', '/credentials', {
			name,
			type,
			data,
		});
		return { id: created.id, name: created.name, type: created.type };
	}

	/**
	 * Tests a stored credential the way the editor's "Test" button does: it loads the credential with its data (n8n
	 * redacts the secret fields), then posts it to `POST /rest/credentials/test`; n8n puts the stored secrets back and
	 * runs the credential type's `test` request. `overrides` replaces fields as if edited in the dialog before testing.
	 */
	async testCredential(
		credential: CredentialRef & { type: string },
		overrides: Record<string, unknown> = {},
	): Promise<CredentialTestResult> {
		const stored = await this.rest<{ data?: Record<string, unknown> }>(
			'GET',
			`/credentials/${credential.id}?includeData=true`,
		);
		return await this.rest<CredentialTestResult>('POST', '/credentials/test', {
			credentials: {
				id: credential.id,
				name: credential.name,
				type: credential.type,
				data: { ...(stored.data ?? {}), ...overrides },
			},
		});
	}

	/**
	 * Saves a workflow (inactive). By default each Webhook node gets a unique path and webhookId so the same file can be
	 * deployed many times; `credential` is bound to every LinkrAPI node.
	 */
	async createWorkflow(
		workflow: WorkflowJson,
		options: { credential?: CredentialRef; uniqueWebhooks?: boolean } = {},
	): Promise<CreatedWorkflow> {
		let json = structuredClone(workflow);
		if (options.credential) json = bindCredential(json, options.credential);
		if (options.uniqueWebhooks !== false) json = makeWebhooksUnique(json);
		const body: Partial<WorkflowJson> = { ...json };
		delete body.id;
		const created = await this.rest<{ id: string; versionId: string; name: string }>('POST', '/workflows', {
			...body,
			active: false,
			settings: { executionOrder: 'v1', ...(json.settings ?? {}) },
		});
		return { id: created.id, versionId: created.versionId, name: created.name, webhookPath: webhookPathOf(json), json };
	}

	/** Activates (publishes) a saved workflow. Its webhooks answer a moment later: runWorkflow waits for that. */
	async activateWorkflow(workflow: CreatedWorkflow | string, versionId?: string): Promise<void> {
		const id = typeof workflow === 'string' ? workflow : workflow.id;
		const version = versionId ?? (typeof workflow === 'string' ? undefined : workflow.versionId);
		const activated = await this.rest<{ active: boolean }>('POST', `/workflows/${id}/activate`, { versionId: version });
		if (!activated.active) throw new Error(`n8n did not activate workflow ${id}.`);
	}

	/** createWorkflow + activateWorkflow. */
	async deployWorkflow(
		workflow: WorkflowJson,
		options: { credential?: CredentialRef; uniqueWebhooks?: boolean } = {},
	): Promise<CreatedWorkflow> {
		const created = await this.createWorkflow(workflow, options);
		await this.activateWorkflow(created);
		return created;
	}

	/**
	 * Runs an active workflow by POSTing `body` to its Webhook node (production URL, `responseMode: lastNode`) and
	 * returns the webhook's answer plus the full execution. A 404 "not registered" right after activation is n8n still
	 * registering the webhook (see docs): the same request is retried until it is accepted, so it runs exactly once.
	 */
	async runWorkflow(workflow: CreatedWorkflow, options: RunOptions = {}): Promise<WorkflowRun> {
		if (!workflow.webhookPath) throw new Error(`Workflow "${workflow.name}" has no Webhook node to run it by.`);
		const before = await this.latestExecutionId(workflow.id);
		const url = `${this.connection.webhookBaseUrl ?? this.baseUrl}/webhook/${workflow.webhookPath}`;
		const response = await pollUntil(
			`n8n to register the webhook of workflow "${workflow.name}"`,
			async () => {
				const answer = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(options.body ?? {}),
					signal: AbortSignal.timeout(options.timeoutMs ?? 280_000),
				});
				if (answer.status !== 404) return answer;
				const text = await answer.text();
				return /not registered/i.test(text) ? undefined : new Response(text, { status: 404 });
			},
			{
				timeoutMs: WEBHOOK_REGISTRATION_TIMEOUT_MS,
				intervalMs: 200,
				onTimeout: () =>
					`n8n still answers 404 "not registered" for ${url} ` +
					`${WEBHOOK_REGISTRATION_TIMEOUT_MS / 1000} s after workflow ${workflow.id} was activated.`,
			},
		);
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON: keep the text
		}
		const execution = await this.waitForNewExecution(workflow.id, before, options.settled, options.executionTimeoutMs);
		return { httpStatus: response.status, response: parsed, execution };
	}

	/**
	 * Runs a saved workflow the way the editor's "Execute workflow" button does (`POST /rest/workflows/:id/run`, a
	 * "manual" execution starting at `triggerName`) and waits for it to end. No activation needed.
	 */
	async executeManually(
		workflow: CreatedWorkflow | string,
		triggerName: string,
		options: { timeoutMs?: number } = {},
	): Promise<Execution> {
		const id = typeof workflow === 'string' ? workflow : workflow.id;
		const started = await this.rest<{ executionId?: string }>('POST', `/workflows/${id}/run`, {
			triggerToStartFrom: { name: triggerName },
		});
		if (!started.executionId) {
			throw new Error(`n8n did not start workflow ${id} from "${triggerName}": ${JSON.stringify(started)}`);
		}
		return await this.waitForExecution(started.executionId, options.timeoutMs);
	}

	/**
	 * Polls an execution until `settled` accepts its status (by default: no longer new or running) and its data caught
	 * up with that status, then returns it with full data.
	 */
	async waitForExecution(
		id: string,
		timeoutMs = 600_000,
		settled: (status: string) => boolean = (status) => status !== 'new' && status !== 'running',
		intervalMs = 500,
	): Promise<Execution> {
		let execution: Execution | undefined;
		return await pollUntil(
			`execution ${id} to settle`,
			async () => {
				// A just-started manual execution may not be saved yet (404).
				execution = await this.getExecution(id).catch(async (error: unknown) =>
					error instanceof N8nRequestError && error.status === 404 ? undefined : await Promise.reject(error),
				);
				return execution && settled(execution.status) && dataCaughtUp(execution) ? execution : undefined;
			},
			{
				timeoutMs,
				intervalMs,
				onTimeout: () => `Execution ${id} is still "${execution?.status ?? 'not saved'}" after ${timeoutMs / 1000} s.`,
			},
		);
	}

	/** Executions of a workflow, newest first, without their data. */
	async listExecutions(
		workflowId?: string,
		limit = 50,
	): Promise<Array<{ id: string; status: string; workflowId: string }>> {
		const filter = workflowId ? `&filter=${encodeURIComponent(JSON.stringify({ workflowId }))}` : '';
		const page = await this.rest<{ results: Array<{ id: string; status: string; workflowId: string }> }>(
			'GET',
			`/executions?limit=${limit}${filter}`,
		);
		return page.results;
	}

	/** One execution with its full run data (node outputs, errors, binary metadata). */
	async getExecution(id: string): Promise<Execution> {
		const raw = await this.rest<Omit<Execution, 'data'> & { data: string | Execution['data'] }>(
			'GET',
			`/executions/${id}`,
		);
		const data = typeof raw.data === 'string' ? (this.flatted.parse(raw.data) as Execution['data']) : raw.data;
		const execution = { ...raw, id: String(raw.id), data };
		noteMovedBinaries(execution);
		return execution;
	}

	/** The bytes of a binary property from an execution's output (filesystem mode: downloaded over REST). */
	async readBinary(binary: { id?: string; data?: string; movedId?: string }): Promise<Buffer> {
		if (!binary.id) return Buffer.from(binary.data ?? '', 'base64');
		const download = async (id: string) =>
			await fetch(`${this.baseUrl}/rest/binary-data?id=${encodeURIComponent(id)}&action=download`, {
				headers: { 'cookie': this.connection.cookie, 'browser-id': this.connection.browserId },
			});
		let response = await download(binary.id);
		if (response.status === 404 && binary.movedId) response = await download(binary.movedId);
		if (!response.ok) {
			throw new N8nRequestError('GET', '/binary-data', response.status, await response.text());
		}
		return Buffer.from(await response.arrayBuffer());
	}

	/**
	 * Every node type n8n loaded, as the editor's node panel gets them (`GET /types/nodes.json`), including the
	 * `…Tool` variants n8n derives from `usableAsTool` for the AI Agent.
	 */
	async loadedNodeTypes(): Promise<NodeTypeDescription[]> {
		const response = await fetch(`${this.baseUrl}/types/nodes.json`, {
			headers: { 'cookie': this.connection.cookie, 'browser-id': this.connection.browserId },
		});
		if (!response.ok) throw new N8nRequestError('GET', '/types/nodes.json', response.status, await response.text());
		return (await response.json()) as NodeTypeDescription[];
	}

	/** Full descriptions as the editor requests them when a node is opened (`POST /rest/node-types`). */
	async nodeTypeDescriptions(nodeInfos: Array<{ name: string; version: number }>): Promise<NodeTypeDescription[]> {
		return await this.rest<NodeTypeDescription[]>('POST', '/node-types', { nodeInfos });
	}

	/** The version the running n8n reports (`versionCli` of `GET /rest/settings`, what the editor shows). */
	async runningVersion(): Promise<string> {
		const settings = await this.rest<{ versionCli?: string }>('GET', '/settings');
		if (!settings?.versionCli) throw new Error('n8n did not report its version in GET /rest/settings.');
		return settings.versionCli;
	}

	/** n8n's own log (stdout + stderr) so far. */
	readLog(): string {
		return fs.readFileSync(this.connection.logFile, 'utf8');
	}

	private async latestExecutionId(workflowId: string): Promise<number> {
		const executions = await this.listExecutions(workflowId, 1);
		return executions.length > 0 ? Number(executions[0].id) : 0;
	}

	/**
	 * The workflow's first execution after execution `after` (ids are sequential) once `settled` accepts its status,
	 * with full data. Polls the light execution list, not the execution's data: a benchmark's own checks must not
	 * load n8n while it measures.
	 */
	async waitForNewExecution(
		workflowId: string,
		after: number,
		settled: (status: string) => boolean = (status) => status !== 'new' && status !== 'running',
		timeoutMs = EXECUTION_SAVE_TIMEOUT_MS,
		intervalMs = 150,
	): Promise<Execution> {
		let latest: { id: string; status: string } | undefined;
		return await pollUntil(
			`a settled execution of workflow ${workflowId}`,
			async () => {
				[latest] = await this.listExecutions(workflowId, 1);
				if (!latest || Number(latest.id) <= after || !settled(latest.status)) return undefined;
				const execution = await this.getExecution(latest.id);
				return dataCaughtUp(execution) ? execution : undefined;
			},
			{
				timeoutMs,
				intervalMs,
				onTimeout: () =>
					`No settled execution of workflow ${workflowId} appeared within ${timeoutMs / 1000} s ` +
					`(latest: ${latest ? `${latest.id} ${latest.status}` : 'none'}).`,
			},
		);
	}
}

/**
 * n8n 1.x stores a binary that a trigger's webhook() prepares before the execution exists under
 * `executions/temp/`, and at the end of the execution moves the file to `executions/<id>/` and rewrites the id in
 * the run data. When the item went through more than one node, n8n 1.123 moves the file for one node, fails for
 * the next (ENOENT, logged as "Failed to restore binary data ID") and saves the execution with the old `temp` ids,
 * which `GET /rest/binary-data` then answers 404 (the editor cannot show that binary either). The bytes are intact
 * at the new place: note it as `movedId` so readBinary reads what n8n stored. n8n 2.x saves correct ids.
 */
function noteMovedBinaries(execution: Execution): void {
	for (const runs of Object.values(execution.data?.resultData?.runData ?? {})) {
		for (const run of runs) {
			for (const items of run.data?.main ?? []) {
				for (const item of items ?? []) {
					for (const binary of Object.values(item.binary ?? {})) {
						if (binary.id?.includes('/executions/temp/')) {
							binary.movedId = binary.id.replace('/executions/temp/', `/executions/${execution.id}/`);
						}
					}
				}
			}
		}
	}
}

export interface StartN8nOptions {
	/** The package tarball from packPackage(); installed the way n8n installs a community package. */
	tgz: string;
	/** Default: a free port. */
	port?: number;
	/** Extra/overriding environment for n8n (e.g. N8N_LOG_LEVEL). */
	env?: Record<string, string>;
	installation?: N8nInstallation;
	owner?: OwnerAccount;
	/** Default: a fresh temp folder, deleted on stop() unless `keepUserFolder`. */
	userFolder?: string;
	keepUserFolder?: boolean;
	/** How long to wait for n8n to be ready (default 120 s). */
	startTimeoutMs?: number;
}

/** How an n8n was started: what restartN8n needs to start it again on the same folder, port and settings. */
interface N8nLaunch {
	installation: N8nInstallation;
	port: number;
	userFolder: string;
	env?: Record<string, string>;
	owner: OwnerAccount;
	removeUserFolderOnStop: boolean;
}

/** A running n8n started by startN8n: a logged-in client plus stop(). */
export class N8nServer extends N8nClient {
	private stopped = false;

	constructor(
		connection: N8nConnection,
		private readonly child: ChildProcess,
		/** @internal how it was started, for restartN8n */
		readonly launch: N8nLaunch,
	) {
		super(connection);
	}

	/** Stops n8n and its task runner (SIGTERM to the process group, SIGKILL after 10 s). Safe to call twice. */
	async stop(): Promise<void> {
		if (this.stopped) return;
		this.stopped = true;
		await killProcessGroup(this.child);
		if (this.launch.removeUserFolderOnStop) fs.rmSync(this.connection.userFolder, { recursive: true, force: true });
	}

	/**
	 * Kills n8n and its task runner at once (SIGKILL to the process group): no shutdown handler runs, as when the
	 * machine loses power or the kernel's OOM killer strikes. The user folder (database, event log) stays for
	 * restartN8n; stop() afterwards does nothing.
	 */
	async kill(): Promise<void> {
		if (this.stopped) return;
		this.stopped = true;
		await killProcessGroupNow(this.child);
	}
}

const STRIPPED_ENV_PREFIXES = ['N8N_', 'DB_', 'EXECUTIONS_', 'WEBHOOK_URL', 'npm_', 'NODE_OPTIONS', 'JEST_'];

/** n8n modules that call the internet at start-up (2.40+: the MCP server registry), switched off when present. */
const MODULES_TO_DISABLE = ['mcp-registry'];

/**
 * The modules of MODULES_TO_DISABLE that the n8n in `n8nHome` has. n8n refuses to start when N8N_DISABLED_MODULES
 * names a module it does not know (1.123.x: `Unknown module "mcp-registry"`, exit code 1). Without `n8nHome`: all.
 */
export function modulesToDisable(n8nHome?: string): string[] {
	if (!n8nHome) return MODULES_TO_DISABLE;
	const modulesDir = path.join(n8nHome, 'node_modules', 'n8n', 'dist', 'modules');
	return MODULES_TO_DISABLE.filter((name) => fs.existsSync(path.join(modulesDir, name)));
}

/** The environment n8n runs with: no calls home, sqlite, its own ports, webhooks on its own port. */
export function n8nEnvironment(options: {
	userFolder: string;
	port: number;
	brokerPort: number;
	nodeBinDir: string;
	/** The installation's folder (N8nInstallation.n8nHome): settings that only some n8n versions accept are fitted to it. */
	n8nHome?: string;
	extra?: Record<string, string>;
}): NodeJS.ProcessEnv {
	const disabledModules = modulesToDisable(options.n8nHome);
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(([key]) => !STRIPPED_ENV_PREFIXES.some((prefix) => key.startsWith(prefix))),
	);
	const baseUrl = `http://127.0.0.1:${options.port}/`;
	return {
		...inherited,
		PATH: `${options.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
		// jest sets NODE_ENV=test, with which n8n 2.40.7 exits at once with code 1 and an empty log.
		NODE_ENV: 'production',
		N8N_USER_FOLDER: options.userFolder,
		DB_TYPE: 'sqlite',
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(options.port),
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		WEBHOOK_URL: baseUrl,
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		...(disabledModules.length > 0 ? { N8N_DISABLED_MODULES: disabledModules.join(',') } : {}),
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		N8N_LOG_LEVEL: 'info',
		SCARF_ANALYTICS: 'false',
		...options.extra,
	};
}

/** Installs the package into `userFolder` the way n8n's community-package installer does. */
export function installCommunityPackage(userFolder: string, tgz: string): string {
	const destination = path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-linkrapi');
	fs.mkdirSync(destination, { recursive: true });
	const tar = runCommand('tar', ['-xzf', tgz, '-C', destination, '--strip-components=1']);
	if (tar.status !== 0) throw new Error(`Could not extract ${tgz}: ${tar.stderr || tar.stdout} (exit ${tar.status})`);
	return destination;
}

/**
 * Starts a real n8n with the package installed as a community package in a fresh user folder, waits until it really
 * serves requests, creates the owner account and returns a logged-in client. Always call stop() (in a finally).
 */
export async function startN8n(options: StartN8nOptions): Promise<N8nServer> {
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'linkrapi-n8n-'));
	fs.mkdirSync(userFolder, { recursive: true });
	installCommunityPackage(userFolder, options.tgz);
	const launch: N8nLaunch = {
		installation: options.installation ?? ensureN8nInstalled(),
		port: options.port ?? (await getFreePort()),
		userFolder,
		env: options.env,
		owner: options.owner ?? DEFAULT_OWNER,
		removeUserFolderOnStop: !options.userFolder && !options.keepUserFolder,
	};
	return await launchN8n(launch, 'set up the owner', options.startTimeoutMs);
}

/**
 * Starts n8n again where `previous` ran: same user folder (database, event log, installed package), port and
 * environment, after previous.stop() or previous.kill(). Logs in as the owner the first start created. The new
 * server owns the user folder (stop() deletes it if the first start would have).
 */
export async function restartN8n(previous: N8nServer, options: { startTimeoutMs?: number } = {}): Promise<N8nServer> {
	return await launchN8n(previous.launch, 'log in', options.startTimeoutMs);
}

async function launchN8n(
	launch: N8nLaunch,
	account: 'set up the owner' | 'log in',
	startTimeoutMs = 120_000,
): Promise<N8nServer> {
	const { installation, port, userFolder, owner } = launch;
	if (!(await isPortFree(port))) {
		throw new Error(`Port ${port} is already in use: stop what runs there or choose another port.`);
	}
	let brokerPort = await getFreePort();
	while (brokerPort === port) brokerPort = await getFreePort();
	const logFile = path.join(userFolder, 'n8n.log');
	const log = fs.openSync(logFile, 'a');
	// A restart appends to the same log: readiness is read from what this start writes.
	const logOffset = fs.fstatSync(log).size;
	const n8nEntry = path.join(installation.n8nHome, 'node_modules', 'n8n', 'bin', 'n8n');
	const child = startProcessGroup(installation.nodeBin, [n8nEntry, 'start'], {
		cwd: userFolder,
		stdio: ['ignore', log, log],
		env: n8nEnvironment({
			userFolder,
			port,
			brokerPort,
			nodeBinDir: installation.nodeBinDir,
			n8nHome: installation.n8nHome,
			extra: launch.env,
		}),
	});
	fs.closeSync(log);
	if (child.pid === undefined) throw new Error(`Could not start n8n (${installation.nodeBin} ${n8nEntry}).`);
	const baseUrl = `http://127.0.0.1:${port}`;
	const browserId = `linkrapi-e2e-${process.pid}`;
	const connection: N8nConnection = {
		baseUrl,
		port,
		userFolder,
		logFile,
		n8nHome: installation.n8nHome,
		n8nVersion: installation.n8nVersion,
		cookie: '',
		browserId,
		owner,
		pid: child.pid,
	};
	const server = new N8nServer(connection, child, launch);
	let ready = false;
	try {
		await waitUntilN8nReady({
			child,
			name: 'n8n',
			baseUrl,
			readLog: () => fs.readFileSync(logFile).subarray(logOffset).toString('utf8'),
			// /healthz answers several seconds before the REST API and webhooks work; this banner comes after both.
			banner: 'Editor is now accessible via',
			timeoutMs: startTimeoutMs,
		});
		connection.cookie =
			account === 'set up the owner'
				? await setUpOwner(baseUrl, browserId, owner)
				: await logIn(baseUrl, browserId, owner);
		assertPackageLoaded(userFolder, logFile);
		const running = await server.runningVersion();
		if (running !== installation.n8nVersion) {
			throw new Error(
				`Started n8n from ${installation.n8nHome}, expecting ${installation.n8nVersion}, got ${running}.`,
			);
		}
		ready = true;
		return server;
	} finally {
		if (!ready) await server.stop();
	}
}

export interface StartingN8n {
	child: ChildProcess;
	/** How errors name it: "n8n", "n8n worker-1". */
	name: string;
	baseUrl: string;
	/** What the process logged since it started. */
	readLog: () => string;
	/** The line n8n logs once it serves what the caller needs. */
	banner: string;
	timeoutMs: number;
}

/**
 * Waits until an n8n process logged `banner` and answers `/healthz/readiness` with 200; throws with the tail of its
 * log if it exits first or is not ready within `timeoutMs`.
 */
export async function waitUntilN8nReady(n8n: StartingN8n): Promise<void> {
	const { child, name, timeoutMs } = n8n;
	const tail = () => n8n.readLog().split('\n').slice(-40).join('\n');
	await pollUntil(
		`${name} to be ready`,
		async () => {
			if (child.exitCode !== null || child.signalCode !== null) {
				throw new Error(`${name} exited during start-up (${child.exitCode ?? child.signalCode}). Log tail:\n${tail()}`);
			}
			if (!n8n.readLog().includes(n8n.banner)) return undefined;
			try {
				return (await fetch(`${n8n.baseUrl}/healthz/readiness`)).ok || undefined;
			} catch {
				return undefined; // not listening yet
			}
		},
		{
			timeoutMs,
			intervalMs: 250,
			onTimeout: () => `${name} was not ready after ${timeoutMs / 1000} s. Log tail:\n${tail()}`,
		},
	);
}

async function setUpOwner(baseUrl: string, browserId: string, owner: OwnerAccount): Promise<string> {
	const response = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify(owner),
	});
	if (!response.ok) {
		throw new N8nRequestError('POST', '/owner/setup', response.status, await response.text());
	}
	return authCookieOf(response);
}

/** Logs in as an existing owner (`POST /rest/login`, what the editor's sign-in form sends); returns the session cookie. */
async function logIn(baseUrl: string, browserId: string, owner: OwnerAccount): Promise<string> {
	const response = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	if (!response.ok) throw new N8nRequestError('POST', '/login', response.status, await response.text());
	return authCookieOf(response);
}

function authCookieOf(response: Response): string {
	const cookie = response.headers
		.getSetCookie()
		.map((header) => header.split(';')[0])
		.find((pair) => pair.startsWith('n8n-auth='));
	if (!cookie) throw new Error('n8n did not return an n8n-auth cookie.');
	return cookie;
}

/** n8n writes the node types it loaded into its static cache; the LinkrAPI node must be among them. */
function assertPackageLoaded(userFolder: string, logFile: string): void {
	const nodesJson = path.join(userFolder, '.cache', 'n8n', 'public', 'types', 'nodes.json');
	const types = fs.existsSync(nodesJson) ? fs.readFileSync(nodesJson, 'utf8') : '';
	if (!types.includes(`"${LINKRAPI_NODE_TYPE}"`)) {
		const problems = fs
			.readFileSync(logFile, 'utf8')
			.split('\n')
			.filter((line) => /linkrapi|community|error/i.test(line))
			.slice(-20)
			.join('\n');
		throw new Error(
			`n8n started but did not load ${LINKRAPI_NODE_TYPE} (${nodesJson} ${types ? 'lacks it' : 'is missing'}). ` +
				`Related log lines:\n${problems}`,
		);
	}
}
