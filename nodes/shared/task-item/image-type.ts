/** An image format the node stores, recognised by the first bytes of the file. */
export interface ImageType {
	mimeType: string;
	extension: string;
}

const SIGNATURES: Array<{ type: ImageType; matches: (bytes: Buffer) => boolean }> = [
	{
		type: { mimeType: 'image/png', extension: 'png' },
		matches: (bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
	},
	{
		type: { mimeType: 'image/jpeg', extension: 'jpg' },
		matches: (bytes) => bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])),
	},
	{
		type: { mimeType: 'image/webp', extension: 'webp' },
		matches: (bytes) => bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP',
	},
	{
		type: { mimeType: 'image/gif', extension: 'gif' },
		matches: (bytes) => ['GIF87a', 'GIF89a'].includes(bytes.toString('latin1', 0, 6)),
	},
];

export const IMAGE_FORMAT_NAMES = 'PNG, JPEG, WebP or GIF';

/**
 * The type of an image by its content. Image hosts (or whatever answers in their place: a login page, an error
 * page) may declare any Content-Type, so it is never trusted.
 */
export function imageTypeOf(bytes: Buffer): ImageType | undefined {
	return SIGNATURES.find((signature) => signature.matches(bytes))?.type;
}

/** `name.png` → `name.jpg` for a JPEG: the stored file's extension always matches its content. */
export function withExtension(fileName: string, extension: string): string {
	const dot = fileName.lastIndexOf('.');
	return `${dot > 0 ? fileName.slice(0, dot) : fileName}.${extension}`;
}
