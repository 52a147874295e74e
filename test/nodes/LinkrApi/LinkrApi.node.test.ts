import nock from 'nock';
import { NodeHelpers, type INode, type INodeProperties } from 'n8n-workflow';

import { LinkrApi } from '../../../nodes/LinkrApi/LinkrApi.node';
import { MIDJOURNEY_BUTTONS } from '../../../nodes/shared/buttons/midjourney-buttons';
import { API_HOST, API_KEY } from '../../helpers/execute-context';
import { completedGrid, imagineParameters, submitted, TASK_ID } from '../../helpers/fixtures';
import { runNode, runNodeError } from '../../helpers/run-node';
import { useVirtualClock } from '../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

useVirtualClock();

function allProperties(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => [
		property,
		...allProperties((property.options ?? []).filter((option): option is INodeProperties => 'displayName' in option)),
	]);
}

/** What an AI Agent's tool call looks like to the node: $fromAI() values resolved into parameters, one input item. */
const toolCall = imagineParameters({
	prompt: 'a red fox in fresh snow, golden hour',
	midjourneyParameters: { aspectRatio: '3:2' },
});

describe('as an AI Agent tool', () => {
	it('is offered to agents', () => {
		expect(new LinkrApi().description.usableAsTool).toBe(true);
	});

	it('describes every field and option in words a model can act on', () => {
		const fields = allProperties(new LinkrApi().description.properties).filter(
			(property) => property.type !== 'notice' && property.name !== 'resource' && property.name !== 'operation',
		);
		expect(fields.length).toBeGreaterThan(30);
		const undocumented = fields.filter((field) => !field.description || field.description.length < 20);
		expect(undocumented.map((field) => field.name)).toEqual([]);
	});

	it('tells an agent, in the tool description n8n makes by itself, which buttons it can press', () => {
		const node = {
			parameters: { descriptionType: 'auto', resource: 'task', operation: 'action' },
		} as unknown as INode;
		const description = NodeHelpers.getToolDescriptionForNode(node, new LinkrApi()).toLowerCase();
		for (const family of ['upscale', 'vary', 'reroll', 'zoom out', 'pan', 'make square']) {
			expect(description).toContain(family);
		}
	});

	it('lists every button by name in the Action field', () => {
		const field = new LinkrApi().description.properties.find((property) => property.name === 'action');
		for (const button of MIDJOURNEY_BUTTONS) expect(field?.description).toContain(button.name);
	});

	it('runs a tool call with model-filled parameters and answers with the finished image', async () => {
		const scope = nock(API_HOST)
			.matchHeader('authorization', `Bearer ${API_KEY}`)
			.post('/api/v1/imagine', { prompt: 'a red fox in fresh snow, golden hour --ar 3:2' })
			.reply(200, submitted())
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, completedGrid());

		const { output } = await runNode({
			params: toolCall,
			asTool: true,
			inputJson: [{ prompt: 'a red fox in fresh snow, golden hour', aspect_ratio: '3:2' }],
		});

		expect(scope.isDone()).toBe(true);
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({
			status: 'completed',
			image_url: completedGrid().image_url,
			final_prompt: 'a red fox in fresh snow, golden hour --ar 3:2',
		});
	});

	it('refuses Pause Until Callback, which an agent could never wait for', async () => {
		const error = await runNodeError({
			params: { ...toolCall, waitMode: 'callback' },
			asTool: true,
			resumeUrl: 'https://n8n.example.com/webhook-waiting/1?signature=x',
		});
		expect(error.message).toBe('"Pause Until Callback" cannot be used when the node runs as an AI Agent tool');
		expect(nock.pendingMocks()).toEqual([]);
	});
});
