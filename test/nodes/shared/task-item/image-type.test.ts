import { imageTypeOf, withExtension } from '../../../../nodes/shared/task-item/image-type';

describe('image type from the first bytes', () => {
	it.each([
		['RIFF', Buffer.from('RIFF')],
		['RIFF….WAVE', Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1')],
		['GIF90a', Buffer.from('GIF90a', 'latin1')],
		['a PNG signature cut short', Buffer.from([0x89, 0x50, 0x4e, 0x47])],
		['nothing', Buffer.alloc(0)],
	])('%s is no image', (_name, bytes) => {
		expect(imageTypeOf(bytes)).toBeUndefined();
	});
});

describe('file name extension', () => {
	it.each([
		['t.png', 'jpg', 't.jpg'],
		['t_1.png', 'webp', 't_1.webp'],
		['t', 'gif', 't.gif'],
		['.png', 'jpg', '.png.jpg'],
	])('%s as %s is %s', (fileName, extension, result) => {
		expect(withExtension(fileName, extension)).toBe(result);
	});
});
