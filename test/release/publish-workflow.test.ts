import { jobKeys, jobs, readWorkflow, steps, topLevel, usesReferences } from './workflow-text';

/**
 * The release pipeline must not run third-party code while it holds a publish credential (id-token: write or
 * NPM_TOKEN): the job that publishes may run exactly the steps below, nothing else, and the whole file uses only
 * the actions listed, at the versions listed.
 */
const workflow = readWorkflow('publish.yml');

const PUBLISH_JOB_KEYS = ['needs', 'runs-on', 'permissions', 'steps'];

const PUBLISH_STEPS = [
	['uses: actions/setup-node@v4', 'with:', '  node-version: 20', '  registry-url: https://registry.npmjs.org'].join(
		'\n',
	),
	['uses: actions/download-artifact@v4', 'with:', '  name: package-tarball', '  path: package-tarball'].join('\n'),
	[
		'run: npm publish package-tarball/*.tgz --provenance --access public --ignore-scripts',
		'env:',
		'  NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}',
	].join('\n'),
];

const ALLOWED_ACTIONS = [
	'actions/checkout@v4',
	'actions/setup-node@v4',
	'actions/upload-artifact@v4',
	'actions/download-artifact@v4',
];

const holdsCredential = (job: string) => /id-token:\s*write/.test(job) || /NPM_TOKEN|NODE_AUTH_TOKEN/.test(job);

describe('publish.yml', () => {
	it('grants id-token: write to no job but the one that publishes, and not at the top level', () => {
		expect(topLevel(workflow)).not.toMatch(/id-token/);
		const withCredential = Object.entries(jobs(workflow)).filter(([, job]) => holdsCredential(job));
		expect(withCredential.map(([name]) => name)).toEqual(['publish']);
	});

	it('the publish job runs exactly setup-node, download-artifact and npm publish, in that order', () => {
		expect(steps(jobs(workflow).publish)).toEqual(PUBLISH_STEPS);
	});

	it('the publish job has no container, services, defaults or reusable workflow that could run other code', () => {
		expect(jobKeys(jobs(workflow).publish)).toEqual(PUBLISH_JOB_KEYS);
	});

	it('uses only the listed actions, at the listed versions, anywhere in the file', () => {
		const references = usesReferences(workflow);
		expect(references.length).toBeGreaterThan(0);
		for (const reference of references) expect(ALLOWED_ACTIONS).toContain(reference);
	});

	it('installs without install scripts wherever it installs', () => {
		const installs = workflow.match(/npm (ci|install)[^\n]*/g) ?? [];
		expect(installs.length).toBeGreaterThan(0);
		for (const install of installs) expect(install).toContain('--ignore-scripts');
	});

	it('publishes exactly the tarball the verify job built and tested', () => {
		const { verify, publish } = jobs(workflow);
		expect(verify).toMatch(/npm run build[\s\S]*npm run test:unit[\s\S]*npm pack/);
		expect(verify).toContain('upload-artifact');
		expect(publish).toContain('download-artifact');
		expect(publish).toMatch(/needs: verify/);
	});
});
