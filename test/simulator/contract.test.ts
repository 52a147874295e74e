import {
	ActionRequest,
	CONTENT_POLICY_DETAIL,
	DOCUMENTED_ACTIONS,
	ErrorBody,
	ImagineRequest,
	InfoResponse,
	SubmitResponse,
	Task,
} from '../../simulator/contract';

describe('contract schemas', () => {
	it('accept the documented imagine example and reject undocumented fields', () => {
		const example = {
			prompt: 'a futuristic city at sunset, cinematic lighting --ar 16:9',
			reference_image: 'https://example.com/reference.jpg',
			webhook_url: 'https://your-server.com/webhook',
		};
		expect(ImagineRequest.safeParse(example).success).toBe(true);
		expect(ImagineRequest.safeParse({ ...example, mode: 'relax' }).success).toBe(false);
		expect(ImagineRequest.safeParse({ prompt: 'x', reference_image: 'https://example.com/a.bmp' }).success).toBe(false);
	});

	it('accept documented action names and raw custom_ids', () => {
		for (const action of DOCUMENTED_ACTIONS)
			expect(ActionRequest.safeParse({ task_id: 't', action }).success).toBe(true);
		expect(ActionRequest.safeParse({ task_id: 't', action: 'MJ::JOB::upsample::1::abc' }).success).toBe(true);
		expect(ActionRequest.safeParse({ task_id: '', action: 'upsample1' }).success).toBe(false);
	});

	it('parse the documented fetch examples leniently, keeping unknown fields', () => {
		const completed = {
			task_id: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
			action: 'imagine',
			status: 'completed',
			progress: 100,
			prompt: 'a futuristic city',
			image_url: 'https://cdn.discordapp.com/attachments/x/image.png',
			message_id: '1234567890123456789',
			components: [{ custom_id: 'MJ::JOB::upsample::1::x', label: 'U1', style: 2 }],
			error: null,
			created_at: '2025-02-26T10:30:00',
			surprise: { nested: true },
		};
		expect(Task.parse(completed)).toEqual(completed);
		expect(Task.safeParse({ task_id: 'x', status: 'some-new-status' }).success).toBe(true);
		expect(Task.safeParse({ task_id: 'x' }).success).toBe(false);
	});

	it('parse submit, info and error bodies', () => {
		expect(
			SubmitResponse.safeParse({
				status: 'SUCCESS',
				task_id: 'x',
				message: 'Task submitted successfully',
			}).success,
		).toBe(true);
		expect(InfoResponse.safeParse({ status: 'SUCCESS', data: { running_jobs: '0' } }).success).toBe(true);
		expect(InfoResponse.safeParse({ status: 'SUCCESS', data: { running_jobs: 0 } }).success).toBe(false);
		expect(ErrorBody.parse({ detail: CONTENT_POLICY_DETAIL })).toEqual({
			detail: CONTENT_POLICY_DETAIL,
		});
		expect(ErrorBody.safeParse({ detail: [{ loc: ['body'], msg: 'x' }] }).success).toBe(true);
	});
});
