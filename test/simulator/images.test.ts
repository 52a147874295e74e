import { inflateSync } from 'node:zlib';

import { crc32, encodePng } from '../../simulator/png';
import { DEFAULT_KEY } from '../../simulator';
import { download, fetchTask, imagine, pngDimensions, useSimulator } from '../helpers/simulator';

interface Chunk {
	type: string;
	data: Buffer;
	crcOk: boolean;
}

function chunks(png: Buffer): Chunk[] {
	const found: Chunk[] = [];
	for (let offset = 8; offset < png.length;) {
		const length = png.readUInt32BE(offset);
		const typeAndData = png.subarray(offset + 4, offset + 8 + length);
		found.push({
			type: typeAndData.toString('ascii', 0, 4),
			data: typeAndData.subarray(4),
			crcOk: crc32(typeAndData) === png.readUInt32BE(offset + 8 + length),
		});
		offset += 12 + length;
	}
	return found;
}

describe('PNG encoder', () => {
	it('computes the standard CRC-32', () => {
		expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
	});

	it('writes signature, IHDR (8-bit RGB), IDAT and IEND with valid CRCs', () => {
		const png = encodePng(3, 2, () => [1, 2, 3]);
		expect(pngDimensions(png)).toEqual({ width: 3, height: 2 });
		const found = chunks(png);
		expect(found.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
		expect(found.every((c) => c.crcOk)).toBe(true);
		expect([found[0].data[8], found[0].data[9]]).toEqual([8, 2]);
	});

	it('stores each pixel as given, one filter byte per scanline', () => {
		const png = encodePng(2, 2, (x, y) => [x * 100, y * 100, 7]);
		const raw = inflateSync(chunks(png)[1].data);
		expect([...raw]).toEqual([0, 0, 0, 7, 100, 0, 7, 0, 0, 100, 7, 100, 100, 7]);
	});
});

describe('image CDN (manual clock)', () => {
	const h = useSimulator();

	async function completed(prompt: string) {
		const id = await imagine(h.api, prompt);
		h.clock!.advance(1000);
		return fetchTask(h.api, id);
	}

	it('serves a 256×256 grid and four 128×128 quadrants as image/png on its own port', async () => {
		const task = await completed('a blue whale');
		expect(task.image_url).toBe(task.grid_url);
		expect(task.cdn_url).toBe(task.image_url);
		expect((task.image_url as string).startsWith(h.sim.cdnUrl)).toBe(true);
		expect(h.sim.cdnUrl).not.toBe(new URL(h.sim.url).origin);

		const grid = await download(task.image_url as string);
		expect(grid.status).toBe(200);
		expect(grid.headers['content-type']).toBe('image/png');
		expect(pngDimensions(Buffer.from(grid.data))).toEqual({
			width: 256,
			height: 256,
		});

		const images = task.images as string[];
		expect(images.map((url) => url.slice(-6))).toEqual(['_1.png', '_2.png', '_3.png', '_4.png']);
		for (const url of images) {
			const quadrant = await download(url);
			expect(quadrant.headers['content-type']).toBe('image/png');
			expect(pngDimensions(Buffer.from(quadrant.data))).toEqual({
				width: 128,
				height: 128,
			});
		}
	});

	it('draws different pictures for different tasks', async () => {
		const first = await completed('a blue whale');
		const second = await completed('a blue whale');
		const [a, b] = await Promise.all([download(first.image_url as string), download(second.image_url as string)]);
		expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(false);
	});

	it('answers 404 for unknown files and for tasks removed by reset', async () => {
		const task = await completed('a blue whale');
		expect((await download(`${h.sim.cdnUrl}/attachments/1/2/other.png`)).status).toBe(404);
		h.sim.reset();
		expect((await download(task.image_url as string)).status).toBe(404);
	});

	it('records every CDN request with its headers, so a leaked key would show', async () => {
		const task = await completed('a blue whale');
		await download(task.image_url as string, { 'X-Test': 'plain download' });
		await download(task.image_url as string, {
			Authorization: `Bearer ${DEFAULT_KEY}`,
		});

		const [plain, leaked] = h.sim.inspect().cdnRequests;
		expect(plain).toMatchObject({
			method: 'GET',
			status: 200,
			at: h.clock!.now,
		});
		expect(plain.path).toBe(new URL(task.image_url as string).pathname);
		expect(plain.headers['x-test']).toBe('plain download');
		expect(plain.headers).not.toHaveProperty('authorization');
		expect(leaked.headers.authorization).toBe('Bearer lkr_…ffee');
	});
});
