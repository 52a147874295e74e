import type { INodeProperties } from 'n8n-workflow';

export interface DownloadOptions {
	downloadImage: boolean;
	binaryPropertyName: string;
	downloadQuadrants: boolean;
}

export interface DownloadParameters {
	downloadImage?: boolean;
	downloadQuadrants?: boolean;
	binaryPropertyName?: string;
}

/** The download settings of an Options collection, with the defaults the UI shows. */
export function toDownloadOptions(raw: DownloadParameters): DownloadOptions {
	return {
		downloadImage: raw.downloadImage === true,
		downloadQuadrants: raw.downloadQuadrants === true,
		binaryPropertyName: raw.binaryPropertyName?.trim() || 'data',
	};
}

/** The download fields of an Options collection, shared by the LinkrAPI node and the Trigger. */
export const downloadOptions: INodeProperties[] = [
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
];
