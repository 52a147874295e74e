import { LINKRAPI_NODE_TYPE, type N8nClient } from '../../real-n8n/harness';
import { TRIGGER_NODE_TYPE } from '../helpers/e2e/callbacks';
import { connectN8n } from '../helpers/e2e/server-file';
import { E2E_TEST_TIMEOUT_MS } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

/** What n8n derives from `usableAsTool: true`: a second node type the AI Agent connects as a tool. */
const TOOL_NODE_TYPE = `${LINKRAPI_NODE_TYPE}Tool`;

describe('The node types n8n loaded from the package, as the editor and the AI Agent see them', () => {
	let n8n: N8nClient;

	beforeAll(() => {
		n8n = connectN8n();
	});

	it('lists the node, the trigger and the AI tool variant n8n derives from usableAsTool', async () => {
		const types = await n8n.loadedNodeTypes();
		const byName = (name: string) => types.find((type) => type.name === name);

		const node = byName(LINKRAPI_NODE_TYPE);
		const trigger = byName(TRIGGER_NODE_TYPE);
		const tool = byName(TOOL_NODE_TYPE);

		expect(node).toMatchObject({ displayName: 'LinkrAPI', usableAsTool: true, outputs: ['main'] });
		expect(trigger).toMatchObject({ displayName: 'LinkrAPI Trigger', outputs: ['main'] });
		expect(tool).toMatchObject({ displayName: 'LinkrAPI Tool', inputs: [], outputs: ['ai_tool'] });
		expect(tool?.codex?.categories).toContain('AI');
		expect(tool?.credentials).toEqual(node?.credentials);
		// The agent's tool has every field of the node, plus the description the model reads.
		const toolFields = tool?.properties.map((property) => property.name) ?? [];
		expect(toolFields).toEqual(expect.arrayContaining(node?.properties.map((property) => property.name) ?? ['-']));
		expect(toolFields).toContain('toolDescription');
		expect(tool?.properties.find((property) => property.name === 'toolDescription')).toMatchObject({
			default: expect.stringMatching(/Midjourney/),
		});
	});

	it('serves the full description when the node is opened in the editor', async () => {
		const [node] = await n8n.nodeTypeDescriptions([{ name: LINKRAPI_NODE_TYPE, version: 1 }]);

		// n8n answers with the name the node declares ("linkrApi"), without the package prefix of the type.
		expect(node).toMatchObject({ name: expect.stringMatching(/(^|\.)linkrApi$/), displayName: 'LinkrAPI' });
		expect(node.usableAsTool).toBe(true);
		expect(node.credentials).toEqual([
			expect.objectContaining({ name: 'linkrApi', required: true }),
			expect.objectContaining({
				name: 'linkrApiHoldPoolApi',
				required: true,
				displayOptions: { show: { authentication: ['holdPool'] } },
			}),
		]);
		const operations = node.properties.filter((property) => property.name === 'operation');
		expect(operations.length).toBeGreaterThan(0);
		expect(JSON.stringify(operations)).toMatch(/imagine/i);
	});
});
