import * as fs from 'fs';
import * as path from 'path';

/**
 * The release pipeline must not run third-party code while it holds a publish credential (id-token: write or
 * NPM_TOKEN). Read as text, job by job, so the test needs no YAML library.
 */
const workflow = fs
	.readFileSync(path.join(__dirname, '../../.github/workflows/publish.yml'), 'utf8')
	.split('\n')
	.filter((line) => !/^\s*#/.test(line))
	.join('\n');

function jobs(): Record<string, string> {
	const body = workflow.slice(workflow.indexOf('\njobs:\n') + '\njobs:\n'.length);
	const result: Record<string, string> = {};
	for (const block of body.split(/\n(?= {2}[a-z][\w-]*:\n)/)) {
		const name = /^ {2}([a-z][\w-]*):/.exec(block)?.[1];
		if (name) result[name] = block;
	}
	return result;
}

const holdsCredential = (job: string) => /id-token:\s*write/.test(job) || /NPM_TOKEN|NODE_AUTH_TOKEN/.test(job);

describe('publish.yml', () => {
	it('grants id-token: write to no job but the one that publishes, and not at the top level', () => {
		const topLevel = workflow.slice(0, workflow.indexOf('\njobs:\n'));
		expect(topLevel).not.toMatch(/id-token/);
		const withCredential = Object.entries(jobs()).filter(([, job]) => holdsCredential(job));
		expect(withCredential.map(([name]) => name)).toEqual(['publish']);
	});

	it('runs no install, build, test, lint or checkout in the job that holds the credential', () => {
		const publish = jobs().publish;
		expect(publish).not.toMatch(/npm (ci|install|run|test|exec)|npx |actions\/checkout/);
		expect(publish).toMatch(/npm publish \S+\.tgz --provenance --access public --ignore-scripts/);
	});

	it('installs without install scripts wherever it installs', () => {
		const installs = workflow.match(/npm (ci|install)[^\n]*/g) ?? [];
		expect(installs.length).toBeGreaterThan(0);
		for (const install of installs) expect(install).toContain('--ignore-scripts');
	});

	it('publishes exactly the tarball the verify job built and tested', () => {
		const { verify, publish } = jobs();
		expect(verify).toMatch(/npm run build[\s\S]*npm run test:unit[\s\S]*npm pack/);
		expect(verify).toContain('upload-artifact');
		expect(publish).toContain('download-artifact');
		expect(publish).toMatch(/needs: verify/);
	});
});
