/**
 * README screenshots of the n8n editor: a real n8n with this package (as `npm run demo` starts it) and the LinkrAPI
 * simulator; the examples are imported, run from the editor's "Execute workflow" button in Chromium, and captured.
 *
 *   npm run build && tsx scripts/screenshots.ts          writes docs/images/*.png
 *   CHROMIUM=/path/to/chromium tsx scripts/screenshots.ts   another browser binary (default /usr/bin/chromium)
 *
 * Needs a Chromium installed on the machine (Debian: `apt-get install chromium`); playwright-core only drives it and
 * never downloads a browser.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { type BrowserContext, chromium, type Page } from 'playwright-core';

import {
	bindCredential,
	ensureN8nInstalled,
	LINKRAPI_CREDENTIAL_TYPE,
	LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE,
	loadWorkflow,
	newApiKey,
	type N8nServer,
	discardPackedTarball,
	packageTarball,
	REPO_ROOT,
	startN8n,
	type WorkflowJson,
} from '../real-n8n/harness';
import { DEFAULT_KEY, startSimulator, type Simulator } from '../simulator';

const OUTPUT_DIR = path.join(REPO_ROOT, 'docs', 'images');
const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1440, height: 900 };
/** The folder the examples' file nodes use (n8n's Docker image); replaced by a temp folder n8n may write to. */
const EXAMPLE_FOLDER = '/home/node/.n8n-files/midjourney';
/** Long enough that the editor shows the task running, short enough for a quick run. */
const SIMULATED_TASK_MS = 2000;
const EXECUTION_TIMEOUT_MS = 120_000;
const FILE_NODE_TYPE = 'n8n-nodes-base.readWriteFile';

const step = (text: string) => console.log(`▸ ${text}`);

/** Points the example's file nodes (not its sticky notes, which keep the documented path) at `folder`. */
function withFileFolder(workflow: WorkflowJson, folder: string): WorkflowJson {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		if (node.type !== FILE_NODE_TYPE) continue;
		node.parameters = JSON.parse(JSON.stringify(node.parameters).split(EXAMPLE_FOLDER).join(folder)) as Record<
			string,
			unknown
		>;
	}
	return copy;
}

const canvasNode = (page: Page, name: string) => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

async function signIn(page: Page, n8n: N8nServer): Promise<void> {
	await page.goto(`${n8n.baseUrl}/signin`);
	await page.fill('#emailOrLdapLoginId', n8n.connection.owner.email);
	await page.fill('#password', n8n.connection.owner.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/** Opens a workflow and runs it with the editor's "Execute workflow" button, as a user would. */
async function executeInEditor(page: Page, n8n: N8nServer, workflowId: string): Promise<void> {
	await page.goto(`${n8n.baseUrl}/workflow/${workflowId}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor();
	await page.locator('[data-test-id="execute-workflow-button"]').click();
	const toast = page.locator('.el-notification').filter({ hasText: 'Workflow executed successfully' });
	await toast.waitFor({ timeout: EXECUTION_TIMEOUT_MS });
	await toast.locator('.el-notification__closeBtn').click();
	await toast.waitFor({ state: 'detached' });
}

async function openNode(page: Page, name: string): Promise<void> {
	await canvasNode(page, name).dblclick();
	await page.locator('[data-test-id="ndv"]').waitFor();
	await page.locator('[data-test-id="output-panel"] [data-test-id="node-run-status-success"]').waitFor();
}

async function closeNode(page: Page): Promise<void> {
	await page.locator('[data-test-id="ndv-close-button"]').click();
	await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
}

/** Scrolls the output table to its last columns, where an item names its `hold`. */
async function scrollToLastColumn(page: Page): Promise<void> {
	await page.locator('[data-test-id="output-panel"]').evaluate((panel) => {
		for (const element of panel.querySelectorAll('*')) {
			if (element.scrollWidth > element.clientWidth + 1) element.scrollLeft = element.scrollWidth;
		}
	});
}

/** Lets animations and image previews settle, then writes the viewport. */
async function capture(page: Page, file: string): Promise<string> {
	await page.waitForTimeout(800);
	const target = path.join(OUTPUT_DIR, file);
	await page.screenshot({ path: target });
	console.log(`  ${path.relative(REPO_ROOT, target)} (${(fs.statSync(target).size / 1024).toFixed(0)} KB)`);
	return target;
}

async function main(): Promise<void> {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM.`);
	}
	fs.mkdirSync(OUTPUT_DIR, { recursive: true });
	const scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'linkrapi-screenshots-')));
	const filesFolder = path.join(scratch, 'files', 'midjourney');
	fs.mkdirSync(filesFolder, { recursive: true });
	fs.copyFileSync(path.join(EXAMPLES_DIR, 'prompts.csv'), path.join(filesFolder, 'prompts.csv'));

	let sim: Simulator | undefined;
	let n8n: N8nServer | undefined;
	let browser: BrowserContext | undefined;
	try {
		step('Starting the LinkrAPI simulator and n8n with this package');
		const secondKey = newApiKey();
		sim = await startSimulator({ taskDurationMs: SIMULATED_TASK_MS, keys: [DEFAULT_KEY, secondKey] });
		const tgz = packageTarball();
		n8n = await startN8n({
			tgz,
			installation: ensureN8nInstalled(),
			env: { N8N_RESTRICT_FILE_ACCESS_TO: path.dirname(filesFolder) },
		});
		discardPackedTarball(tgz);
		const credential = await n8n.createCredential('LinkrAPI account', LINKRAPI_CREDENTIAL_TYPE, {
			apiKey: DEFAULT_KEY,
			baseUrl: sim.url,
		});
		const pool = await n8n.createCredential('LinkrAPI hold pool', LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE, {
			holds: {
				hold: [
					{ name: 'studio', apiKey: DEFAULT_KEY, jobsAtOnce: 3, jobsWaiting: 0 },
					{ name: 'backup', apiKey: secondKey, jobsAtOnce: 3, jobsWaiting: 0 },
				],
			},
			baseUrl: sim.url,
		});
		const load = (file: string) =>
			withFileFolder(
				bindCredential(bindCredential(loadWorkflow(path.join(EXAMPLES_DIR, file)), credential), pool),
				filesFolder,
			);
		const canvas = await n8n.createWorkflow(load('imagine-upscale-download.json'), { uniqueWebhooks: false });
		const batch = await n8n.createWorkflow(load('scheduled-batch-from-csv.json'), { uniqueWebhooks: false });
		const poolBatch = await n8n.createWorkflow(load('scheduled-batch-over-a-hold-pool.json'), {
			uniqueWebhooks: false,
		});

		step(`Opening the editor in ${CHROMIUM}`);
		browser = await chromium.launchPersistentContext(path.join(scratch, 'profile'), {
			executablePath: CHROMIUM,
			headless: true,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
			viewport: VIEWPORT,
		});
		const page = browser.pages()[0] ?? (await browser.newPage());
		page.setDefaultTimeout(30_000);
		await signIn(page, n8n);

		step(`Running "${canvas.name}" from the editor`);
		await executeInEditor(page, n8n, canvas.id);
		const output = page.locator('[data-test-id="output-panel"]');
		await openNode(page, 'Imagine');
		await output.locator('[data-test-id="radio-button-json"]').click();
		await capture(page, 'imagine-node.png');
		await closeNode(page);

		await openNode(page, 'Upscale Image 1');
		const input = page.locator('[data-test-id="ndv-input-panel"]');
		await input.locator('[data-test-id="radio-button-binary"]').click();
		await input.locator('[data-test-id="ndv-view-binary-data"]').first().click();
		await output.locator('[data-test-id="radio-button-binary"]').click();
		await output.locator('[data-test-id="ndv-view-binary-data"]').first().click();
		await page.locator('[data-test-id="ndv"] img').nth(1).waitFor();
		await capture(page, 'upscale-output.png');
		await closeNode(page);

		step(`Running "${batch.name}" from the editor`);
		await executeInEditor(page, n8n, batch.id);
		await capture(page, 'batch-canvas.png');

		step(`Running "${poolBatch.name}" from the editor`);
		await executeInEditor(page, n8n, poolBatch.id);
		await openNode(page, 'Imagine all prompts');
		await output.locator('[data-test-id="radio-button-table"]').click();
		await output.locator('table').first().waitFor();
		await scrollToLastColumn(page);
		await capture(page, 'pool-imagine-node.png');
		await closeNode(page);

		const saved = fs.readdirSync(filesFolder).filter((file) => file.endsWith('.png'));
		console.log(`  the batch saved ${saved.join(', ')}`);
	} finally {
		await browser?.close().catch(() => undefined);
		await n8n?.stop();
		await sim?.stop();
		fs.rmSync(scratch, { recursive: true, force: true });
	}
}

main().catch((error: Error) => {
	console.error(`\nScreenshots failed: ${error.message}`);
	process.exit(1);
});
