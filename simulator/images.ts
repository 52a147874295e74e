/**
 * What the simulated Midjourney pictures look like. A picture is a colour gradient derived from a seed, drawn in
 * normalised coordinates so that every size shows the same picture: quadrant N of a grid, `upsampleN` of that grid
 * and its 2x upscale all look alike, so a test can tell which quadrant an upscale came from.
 */
import { encodePng, type Rgb } from './png';

export const GRID_SIZE = 256;
export const TILE_SIZE = 128;
export const UPSCALE_2X_SIZE = 256;

/** A grid shows the tiles `${seed}:1` … `${seed}:4`; a single image shows the tile `seed`. */
export interface ImageSpec {
	kind: 'grid' | 'single';
	seed: string;
	size: number;
	/** `[[huge-image]]`: the CDN streams this many bytes, chunked, instead of the PNG */
	hugeBytes?: number;
}

function hash(text: string): number {
	let h = 0x811c9dc5; // FNV-1a
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

function tilePixel(seed: string): (u: number, v: number) => Rgb {
	const h = hash(seed);
	const base = [h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff];
	return (u, v) => {
		const shade = 0.45 + 0.55 * (1 - (u + v) / 2);
		return [Math.round(base[0] * shade), Math.round(base[1] * shade), Math.round(base[2] * shade)];
	};
}

export function quadrantSeed(gridSeed: string, quadrant: number): string {
	return `${gridSeed}:${quadrant}`;
}

export function renderTile(seed: string, size: number): Buffer {
	const pixel = tilePixel(seed);
	return encodePng(size, size, (x, y) => pixel(x / size, y / size));
}

/** Quadrants in Midjourney order: 1 top-left, 2 top-right, 3 bottom-left, 4 bottom-right. */
export function renderGrid(seed: string, size: number): Buffer {
	const half = size / 2;
	const tiles = [1, 2, 3, 4].map((quadrant) => tilePixel(quadrantSeed(seed, quadrant)));
	return encodePng(size, size, (x, y) => {
		const column = x < half ? 0 : 1;
		const row = y < half ? 0 : 1;
		return tiles[row * 2 + column]((x - column * half) / half, (y - row * half) / half);
	});
}

/** `quadrant` (1–4) picks one tile of a grid, as served at the `_N.png` URLs. */
export function renderImage(spec: ImageSpec, quadrant?: number): Buffer | undefined {
	if (spec.kind === 'single') return quadrant === undefined ? renderTile(spec.seed, spec.size) : undefined;
	if (quadrant === undefined) return renderGrid(spec.seed, spec.size);
	return renderTile(quadrantSeed(spec.seed, quadrant), spec.size / 2);
}
