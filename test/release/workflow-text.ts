import * as fs from 'fs';
import * as path from 'path';

/**
 * GitHub workflow files read as text, so the release tests need no YAML library. Works for the block style these
 * files use (two-space indents, one key per line); comment lines are dropped.
 */
export const WORKFLOWS_DIR = path.join(__dirname, '../../.github/workflows');

export function workflowFiles(): string[] {
	return fs
		.readdirSync(WORKFLOWS_DIR)
		.filter((file) => /\.ya?ml$/.test(file))
		.sort();
}

export function readWorkflow(file: string): string {
	return fs
		.readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8')
		.split('\n')
		.filter((line) => !/^\s*#/.test(line))
		.map((line) => line.trimEnd())
		.join('\n');
}

/** Everything above `jobs:`: name, triggers and the top-level permissions. */
export function topLevel(workflow: string): string {
	return workflow.slice(0, workflow.indexOf('\njobs:\n'));
}

/** The lines of a top-level key's block, e.g. `permissions:` and what is indented under it. */
export function topLevelBlock(workflow: string, key: string): string | undefined {
	const match = new RegExp(`^${key}:.*(\\n {2}.*)*`, 'm').exec(topLevel(workflow));
	return match?.[0];
}

/** Each job's block, by job id. */
export function jobs(workflow: string): Record<string, string> {
	const body = workflow.slice(workflow.indexOf('\njobs:\n') + '\njobs:\n'.length);
	const result: Record<string, string> = {};
	for (const block of body.split(/\n(?= {2}[a-z][\w-]*:\n)/)) {
		const name = /^ {2}([a-z][\w-]*):/.exec(block)?.[1];
		if (name) result[name] = block;
	}
	return result;
}

/** The keys of a job (`runs-on`, `permissions`, `steps`, …). */
export function jobKeys(job: string): string[] {
	return [...job.matchAll(/^ {4}([\w-]+):/gm)].map((match) => match[1]);
}

/** A job's steps, each as its own YAML text without the list dash, e.g. "uses: actions/setup-node@v4\nwith: …". */
export function steps(job: string): string[] {
	const start = job.indexOf('\n    steps:\n');
	if (start === -1) return [];
	const list = job.slice(start + '\n    steps:\n'.length);
	return list
		.split(/\n(?= {6}- )/)
		.filter((step) => step.trim() !== '')
		.map((step) =>
			step
				.split('\n')
				.map((line, index) => (index === 0 ? line.replace(/^ {6}- /, '') : line.replace(/^ {8}/, '')))
				.join('\n')
				.trimEnd(),
		);
}

/** Every `uses:` reference in a workflow: actions and reusable workflows, in steps or jobs. */
export function usesReferences(workflow: string): string[] {
	return [...workflow.matchAll(/^\s*(?:- )?uses:\s*['"]?([^\s'"]+)/gm)].map((match) => match[1]);
}
