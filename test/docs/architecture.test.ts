import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The architecture notes and the README cannot drift from the tree: every path they name exists, and every folder
 * of nodes/ and credentials/ has its row in the architecture's folder table.
 */

const ROOT = join(__dirname, '..', '..');
const TOP_LEVEL = /^(nodes|credentials|icons|test|simulator|real-n8n|bench|examples|scripts|docs)\//;

function read(relative: string): string {
	return readFileSync(join(ROOT, relative), 'utf8');
}

/** The text of one `## heading` section of a markdown file, up to the next heading of that level. */
function section(markdown: string, heading: string): string {
	const start = markdown.indexOf(`\n## ${heading}\n`);
	if (start === -1) throw new Error(`no section "## ${heading}"`);
	const end = markdown.indexOf('\n## ', start + 1);
	return markdown.slice(start, end === -1 ? undefined : end);
}

/** Repository paths written in backticks: from a top-level folder down, without placeholders or globs. */
function pathsNamed(markdown: string): string[] {
	const quoted = [...markdown.matchAll(/`([^`\s]+)`/g)].map((match) => match[1]);
	return [...new Set(quoted.filter((text) => TOP_LEVEL.test(text) && !/[<>*{}]/.test(text)))];
}

function foldersBelow(relative: string): string[] {
	return readdirSync(join(ROOT, relative))
		.filter((name) => statSync(join(ROOT, relative, name)).isDirectory())
		.flatMap((name) => {
			const folder = `${relative}/${name}`;
			return [folder, ...foldersBelow(folder)];
		});
}

function missingPaths(markdown: string): string[] {
	return pathsNamed(markdown).filter((path) => {
		const full = join(ROOT, path);
		if (!existsSync(full)) return true;
		return path.endsWith('/') !== statSync(full).isDirectory();
	});
}

/** The first column of the table under `## Folders`. */
function foldersInTable(architecture: string): string[] {
	return [...section(architecture, 'Folders').matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]);
}

describe('docs/architecture.md', () => {
	const architecture = read('docs/architecture.md');

	it('names only paths that exist (a folder with a trailing slash, a file without)', () => {
		expect(pathsNamed(architecture).length).toBeGreaterThan(40);
		expect(missingPaths(architecture)).toEqual([]);
	});

	it('gives every folder of nodes/ and credentials/ a row of its own in the folder table', () => {
		const folders = ['credentials', 'nodes', ...foldersBelow('credentials'), ...foldersBelow('nodes')].map(
			(folder) => `${folder}/`,
		);
		const rows = foldersInTable(architecture);
		expect(folders.filter((folder) => !rows.includes(folder))).toEqual([]);
		expect(rows.filter((row, index) => rows.indexOf(row) !== index)).toEqual([]);
	});

	it('walks one Imagine item, one Trigger callback and one pause with its resume, file by file', () => {
		for (const walk of ['One Imagine item', 'One Trigger callback', 'One pause and its resume']) {
			expect(pathsNamed(section(architecture, walk)).length).toBeGreaterThan(5);
		}
	});
});

describe('README.md', () => {
	const readme = read('README.md');

	it('names only paths that exist, in every section', () => {
		expect(pathsNamed(section(readme, 'Development')).length).toBeGreaterThan(10);
		expect(missingPaths(readme)).toEqual([]);
	});
});
