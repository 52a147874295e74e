import type { INodeProperties } from 'n8n-workflow';

import { readNumber, type NumberRange } from '../number-range';

/**
 * The Max Image Size (MB) field. A Midjourney upscale is a few MB; 50 MB leaves room for the largest (4× upscales,
 * PNG) without allowing a flood.
 */
const DEFAULT_MAX_IMAGE_SIZE_MB = 50;
const MAX_IMAGE_SIZE_MB: NumberRange = { min: 1, max: 500, default: DEFAULT_MAX_IMAGE_SIZE_MB };

export interface DownloadOptions {
	downloadImage: boolean;
	binaryPropertyName: string;
	downloadQuadrants: boolean;
	/** Largest image accepted, counted while it streams in */
	maxBytes: number;
}

export interface DownloadParameters {
	downloadImage?: boolean;
	downloadQuadrants?: boolean;
	binaryPropertyName?: string;
	maxImageSizeMb?: number;
}

/** The download settings of an Options collection, with the defaults and within the ranges the UI shows. */
export function toDownloadOptions(raw: DownloadParameters): DownloadOptions {
	return {
		downloadImage: raw.downloadImage === true,
		downloadQuadrants: raw.downloadQuadrants === true,
		binaryPropertyName: raw.binaryPropertyName?.trim() || 'data',
		maxBytes: Math.round(readNumber(raw.maxImageSizeMb, MAX_IMAGE_SIZE_MB) * 1024 * 1024),
	};
}

/** The download fields of an Options collection, shared by the LinkrAPI node and the Trigger. */
export const downloadOptionFields: INodeProperties[] = [
	{
		displayName: 'Download Image',
		name: 'downloadImage',
		type: 'boolean',
		default: false,
		description:
			'Whether to add the finished image as binary data. Image links expire, so download if you keep the image.',
	},
	{
		displayName: 'Download Grid Quadrants',
		name: 'downloadQuadrants',
		type: 'boolean',
		default: false,
		description:
			'Whether to also download the four single images of a grid, as data_1 … data_4 (after the property name below), when LinkrAPI provides them',
	},
	{
		displayName: 'Put Image in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'The name of the binary property that receives the image',
	},
	{
		displayName: 'Max Image Size (MB)',
		name: 'maxImageSizeMb',
		type: 'number',
		default: DEFAULT_MAX_IMAGE_SIZE_MB,
		typeOptions: { minValue: MAX_IMAGE_SIZE_MB.min, maxValue: MAX_IMAGE_SIZE_MB.max },
		description:
			'Largest image to download, counted while it arrives; a larger one fails the item instead of filling memory',
	},
];
