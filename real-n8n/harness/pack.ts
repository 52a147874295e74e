import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { REPO_ROOT } from './install';
import { runCommand } from './processes';

const PACK_FOLDER_PREFIX = 'linkrapi-pack-';

/**
 * `npm pack`s the package as it is on disk into a fresh temp folder and returns the .tgz path.
 * Builds nothing: run `npm run build` first (the test and demo commands do). Fails early when dist/ is missing,
 * because a tarball without dist/ installs fine and only fails later as "Unrecognized node type".
 */
export function packPackage(): string {
	const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	const declared = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	const missing = declared.filter((file) => !fs.existsSync(path.join(REPO_ROOT, file)));
	if (missing.length > 0) {
		throw new Error(`Missing build output ${missing.join(', ')}. Run \`npm run build\` first.`);
	}
	const destination = fs.mkdtempSync(path.join(os.tmpdir(), PACK_FOLDER_PREFIX));
	const result = runCommand('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', destination], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	if (result.status !== 0) throw new Error(`npm pack failed (exit code ${result.status}); its output is above.`);
	const output = result.stdout;
	const fileName = output.trim().split('\n').pop() ?? '';
	const tgz = path.join(destination, fileName);
	if (!fileName.endsWith('.tgz') || !fs.existsSync(tgz)) {
		throw new Error(`npm pack did not produce a tarball in ${destination} (it printed: ${output})`);
	}
	return tgz;
}

/**
 * Deletes a tarball packPackage() made, with its folder, once n8n has extracted it (each start extracts it before
 * it returns). A tarball from anywhere else, e.g. `$LINKRAPI_E2E_PACKAGE`, is left alone.
 */
export function discardPackedTarball(tgz: string): void {
	const folder = path.dirname(tgz);
	if (path.basename(folder).startsWith(PACK_FOLDER_PREFIX)) fs.rmSync(folder, { recursive: true, force: true });
}

/**
 * The tarball to install into n8n: `$LINKRAPI_E2E_PACKAGE` when set (e.g. a tarball from `npm pack
 * n8n-nodes-linkrapi@<version>`, to run the e2e suite against what was published), else packPackage().
 */
export function packageTarball(): string {
	const given = process.env.LINKRAPI_E2E_PACKAGE;
	if (!given) return packPackage();
	const tgz = path.resolve(given);
	if (!fs.existsSync(tgz)) throw new Error(`LINKRAPI_E2E_PACKAGE points to ${tgz}, which does not exist.`);
	return tgz;
}
