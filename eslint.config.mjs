// The default config of @n8n/node-cli 0.48.3 (`n8n-node lint`, strict / cloud rules), written out by hand because
// @n8n/node-cli cannot be installed on Node 20 (see README, "Development", "Packages and why"). The last block is
// ours: the project's tools (tests, simulator, real-n8n harness, benchmarks) never ship, may use node:http, fs, timers.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const communityNodesRecommended = n8nCommunityNodesPlugin.configs.recommended;

// The project's own layering (README, "Development"): imports run one way, and neither node reaches into the
// other. nodes/shared/ is what both nodes use; its transport talks to LinkrAPI and imports nothing above it.
const LAYERS = [
	{ target: './nodes', from: './credentials' },
	{ target: './nodes/shared', from: ['./nodes/LinkrApi', './nodes/LinkrApiTrigger'] },
	{ target: './nodes/shared/transport', from: ['./nodes/shared/callback', './nodes/shared/task-item'] },
	{
		target: './nodes/shared/hold-ledger',
		from: ['./nodes/shared/transport', './nodes/shared/callback', './nodes/shared/task-item'],
	},
	{ target: './nodes/LinkrApiTrigger', from: './nodes/LinkrApi' },
	{ target: './nodes/LinkrApi', from: './nodes/LinkrApiTrigger' },
	{
		target: [
			'./nodes/LinkrApi/waiting',
			'./nodes/LinkrApi/pause',
			'./nodes/LinkrApi/midjourney',
			'./nodes/LinkrApi/holds',
		],
		from: './nodes/LinkrApi/actions',
	},
];

// One door per room: these folders are entered through their index.ts, which names what the rest may use.
const ROOMS_WITH_A_DOOR = [
	'nodes/shared/transport',
	'nodes/shared/callback',
	'nodes/shared/task-item',
	'nodes/shared/hold-ledger',
	'nodes/LinkrApi/waiting',
	'nodes/LinkrApi/holds',
	'nodes/LinkrApi/pause',
	'nodes/LinkrApi/midjourney',
];

const door = (room) => ({
	target: './',
	from: `./${room}`,
	except: ['./index.ts'],
	message: `Import ${room} through its index.ts, the one door of that folder.`,
});

export default tseslint.config(
	globalIgnores(['dist', 'coverage', 'node_modules', 'demo-output']),
	{
		files: ['**/*.ts'],
		extends: [
			js.configs.recommended,
			tseslint.configs.recommended,
			communityNodesRecommended,
			importX.configs['flat/recommended'],
		],
		rules: {
			'prefer-spread': 'off',
			'no-console': 'error',
		},
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		settings: {
			'import-x/resolver-next': [createTypeScriptImportResolver()],
		},
	},
	{
		files: ['package.json'],
		extends: [communityNodesRecommended],
		rules: {
			...n8nNodesBase.configs.community.rules,
		},
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: {
				extraFileExtensions: ['.json'],
			},
		},
	},
	{
		files: ['./credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['./nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		files: ['./nodes/**/*.ts'],
		rules: { 'import-x/no-cycle': 'error' },
	},
	// Outside a room with a door, only its index.ts is imported; its own files and tests import the rest.
	{
		files: ['**/*.ts'],
		ignores: ROOMS_WITH_A_DOOR.flatMap((room) => [`${room}/**`, `test/${room}/**`]),
		rules: { 'import-x/no-restricted-paths': ['error', { zones: [...LAYERS, ...ROOMS_WITH_A_DOOR.map(door)] }] },
	},
	...ROOMS_WITH_A_DOOR.map((room) => ({
		files: [`${room}/**/*.ts`, `test/${room}/**/*.ts`],
		rules: {
			'import-x/no-restricted-paths': [
				'error',
				{ zones: [...LAYERS, ...ROOMS_WITH_A_DOOR.filter((other) => other !== room).map(door)] },
			],
		},
	})),
	{
		files: ['test/**/*.ts', 'simulator/**/*.ts', 'real-n8n/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
			// fixtures hold fake lkr_ keys on purpose
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			'no-console': 'off',
		},
	},
);
