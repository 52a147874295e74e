import { jobs, readWorkflow, topLevelBlock, workflowFiles } from './workflow-text';

/** Every `scope: write` (or `write-all`) a workflow grants, as "file/job: scope" ("file: scope" at the top level). */
function writeGrants(file: string): string[] {
	const workflow = readWorkflow(file);
	const grants = [...(topLevelBlock(workflow, 'permissions') ?? '').matchAll(/^ {2}([\w-]+):\s*write\b/gm)].map(
		(match) => `${file}: ${match[1]}`,
	);
	if (/^permissions:\s*write-all/m.test(workflow)) grants.push(`${file}: write-all`);
	for (const [name, job] of Object.entries(jobs(workflow))) {
		for (const match of job.matchAll(/^ {6}([\w-]+):\s*write\b/gm)) grants.push(`${file}/${name}: ${match[1]}`);
		if (/^ {4}permissions:\s*write-all/m.test(job)) grants.push(`${file}/${name}: write-all`);
	}
	return grants;
}

describe('GitHub workflow permissions', () => {
	it('finds the workflows', () => {
		expect(workflowFiles()).toEqual(expect.arrayContaining(['ci.yml', 'publish.yml']));
	});

	it.each(workflowFiles())('%s declares read-only permissions at the top level', (file) => {
		const permissions = topLevelBlock(readWorkflow(file), 'permissions');

		expect(permissions).toBeDefined();
		expect(permissions).not.toMatch(/write/);
		expect(permissions?.split('\n').slice(1)).toEqual(
			expect.arrayContaining([expect.stringMatching(/^ {2}contents: read$/)]),
		);
	});

	it('grants no write permission anywhere but id-token: write to the publish job of publish.yml', () => {
		expect(workflowFiles().flatMap(writeGrants)).toEqual(['publish.yml/publish: id-token']);
	});
});
