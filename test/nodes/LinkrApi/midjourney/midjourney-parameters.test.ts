import { buildPrompt, type MidjourneyParameters } from '../../../../nodes/LinkrApi/midjourney/midjourney-parameters';

const build = (parameters: MidjourneyParameters, prompt = 'a lighthouse') => buildPrompt(prompt, parameters);
const failure = (parameters: MidjourneyParameters, prompt?: string): string => {
	try {
		build(parameters, prompt);
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('expected an error');
};

describe('Midjourney parameter builder', () => {
	it('leaves the prompt alone when no parameter is set', () => {
		expect(build({})).toBe('a lighthouse');
		expect(build({ styleRaw: false, tile: false, exclude: '  ', aspectRatio: '' })).toBe('a lighthouse');
	});

	it('appends every parameter as its flag, in a stable order', () => {
		expect(
			build({
				aspectRatio: '16:9',
				version: '7',
				stylize: 250,
				chaos: 10,
				quality: 2,
				weird: 500,
				seed: 42,
				styleRaw: true,
				tile: true,
				exclude: 'text, people',
				imageWeight: 1.5,
				styleReferenceUrls: 'https://a.example/1.png, https://a.example/2.png',
				omniReferenceUrl: 'https://a.example/me.png',
				omniWeight: 300,
			}),
		).toBe(
			'a lighthouse --ar 16:9 --v 7 --s 250 --c 10 --q 2 --w 500 --seed 42 --iw 1.5 --style raw --tile --no text, people' +
				' --sref https://a.example/1.png https://a.example/2.png --oref https://a.example/me.png --ow 300',
		);
	});

	it('writes Niji versions as --niji and keeps zero values', () => {
		expect(build({ version: 'niji 6', chaos: 0, stylize: 0 })).toBe('a lighthouse --niji 6 --s 0 --c 0');
	});

	it.each([
		[{ stylize: 1001 }, '"Stylize" must be a whole number from 0 to 1000'],
		[{ chaos: -1 }, '"Chaos" must be a whole number from 0 to 100'],
		[{ chaos: 2.5 }, '"Chaos" must be a whole number from 0 to 100'],
		[{ weird: 3001 }, '"Weird" must be a whole number from 0 to 3000'],
		[{ seed: 4294967296 }, '"Seed" must be a whole number from 0 to 4294967295'],
		[{ imageWeight: 3.5 }, '"Image Weight" must be a number from 0 to 3'],
		[{ quality: 3 }, '"Quality" must be one of 0.25, 0.5, 1, 2, 4'],
		[{ version: '8' }, '"Version" must be one of 7, 6.1, 6, 5.2, 5.1, 5, niji 6, niji 5'],
		[{ aspectRatio: '16/9' }, '"Aspect Ratio" must look like 16:9'],
		[{ aspectRatio: '0:1' }, '"Aspect Ratio" must look like 16:9'],
		[{ styleReferenceUrls: 'ftp://x/y.png' }, '"Style Reference URLs" must contain http or https URLs'],
		[{ omniWeight: 50 }, '"Omni Reference Weight" needs an "Omni Reference URL"'],
		[{ experimentalAesthetics: 101 }, '"Experimental Aesthetics" must be a whole number from 0 to 100'],
		[{ experimentalAesthetics: 2.5 }, '"Experimental Aesthetics" must be a whole number from 0 to 100'],
		[{ version: '6.1', experimentalAesthetics: 25 }, '"Experimental Aesthetics" works with version 7 only, not 6.1'],
	])('refuses %j with a message naming the parameter', (parameters, message) => {
		expect(failure(parameters as MidjourneyParameters)).toBe(message);
	});

	it.each([
		['a cat --ar 3:2', { aspectRatio: '16:9' }, 'The prompt already sets --ar, and "Aspect Ratio" sets it too'],
		['a cat --aspect 3:2', { aspectRatio: '16:9' }, 'The prompt already sets --ar, and "Aspect Ratio" sets it too'],
		['a cat --niji 5', { version: '7' }, 'The prompt already sets --v, and "Version" sets it too'],
		['a cat --STYLIZE 50', { stylize: 100 }, 'The prompt already sets --s, and "Stylize" sets it too'],
		['a cat --no dogs', { exclude: 'birds' }, 'The prompt already sets --no, and "Exclude" sets it too'],
		[
			'a cat --exp 10',
			{ experimentalAesthetics: 25 },
			'The prompt already sets --exp, and "Experimental Aesthetics" sets it too',
		],
	])('refuses "%s" when %j sets the same flag', (prompt, parameters, message) => {
		expect(failure(parameters as MidjourneyParameters, prompt)).toBe(message);
	});

	it.each([
		['em dash', 'a cat \u2014ar 3:2'],
		['en dash', 'a cat \u2013ar 3:2'],
		['doubled unicode minus', 'a cat \u2212\u2212ar 3:2'],
		['hyphen and unicode minus', 'a cat -\u2212aspect 3:2'],
	])('finds a flag the prompt writes with an %s, as keyboards turn -- into one', (_dash, prompt) => {
		expect(failure({ aspectRatio: '16:9' }, prompt)).toBe(
			'The prompt already sets --ar, and "Aspect Ratio" sets it too',
		);
	});

	it('finds --niji written with an em dash as the version', () => {
		expect(failure({ version: '7' }, 'a cat \u2014niji 6')).toBe(
			'The prompt already sets --v, and "Version" sets it too',
		);
	});

	it.each([
		['dogs --v 4 --tile', '--v'],
		['dogs \u2014tile', '\u2014tile'],
		['dogs,\u2013v 4', '\u2013v'],
		['\u2212\u2212tile', '\u2212\u2212tile'],
	])('refuses Midjourney parameters slipped into Exclude: "%s"', (exclude, flag) => {
		let error: Error & { field?: string; description?: string } = new Error('none');
		try {
			build({ exclude });
		} catch (thrown) {
			error = thrown as typeof error;
		}
		expect(error.message).toBe('"Exclude" cannot hold Midjourney parameters');
		expect(error.field).toBe('Exclude');
		expect(error.description).toContain(`"${flag}" starts a parameter`);
	});

	it('keeps hyphens and dashes that are part of the words to exclude', () => {
		expect(build({ exclude: 'well-known logos, x--y, faces \u2014 hands' })).toBe(
			'a lighthouse --no well-known logos, x--y, faces \u2014 hands',
		);
	});

	it('writes Experimental Aesthetics as --exp after --w, on version 7 or when no version is chosen', () => {
		expect(build({ version: '7', weird: 10, experimentalAesthetics: 25 })).toBe('a lighthouse --v 7 --w 10 --exp 25');
		expect(build({ experimentalAesthetics: 0 })).toBe('a lighthouse --exp 0');
	});

	it('does not mistake words for flags', () => {
		expect(build({ stylize: 100 }, 'a --sunset-- scene with --seeds')).toBe('a --sunset-- scene with --seeds --s 100');
	});

	it('allows character reference only where the version supports it, and omni reference only on 7', () => {
		expect(build({ version: '6.1', characterReferenceUrl: 'https://a.example/c.png' })).toBe(
			'a lighthouse --v 6.1 --cref https://a.example/c.png',
		);
		expect(failure({ version: '7', characterReferenceUrl: 'https://a.example/c.png' })).toBe(
			'"Character Reference URL" works with versions 6, 6.1 and niji 6, not 7',
		);
		expect(failure({ version: '6', omniReferenceUrl: 'https://a.example/o.png' })).toBe(
			'"Omni Reference URL" works with version 7 only, not 6',
		);
	});

	describe('reference URLs', () => {
		const fields = [
			['styleReferenceUrls', 'Style Reference URLs'],
			['characterReferenceUrl', 'Character Reference URL'],
			['omniReferenceUrl', 'Omni Reference URL'],
		] as const;
		const hidden = [
			['U+0085', '\u0085'],
			['U+001F', '\u001f'],
			['U+200B', '\u200b'],
			['U+00A0', '\u00a0'],
			['U+2028', '\u2028'],
			['U+FEFF', '\ufeff'],
			['U+202E', '\u202e'],
		] as const;

		it.each(fields.flatMap(([name, label]) => hidden.map(([code, character]) => [label, code, name, character])))(
			'"%s" refuses %s before a smuggled --tile, naming the field and the character',
			(label, code, name, character) => {
				const message = failure({ [name]: `https://a.example/1.png${character}--tile` });

				expect(message).toBe(`"${label}" contains an invisible or control character (${code})`);
			},
		);

		it('writes each URL as the URL parser reads it, not as typed', () => {
			expect(
				build({
					styleReferenceUrls: 'HTTPS://A.Example/a%20b.png,https://a.example/é.png',
					omniReferenceUrl: 'https://a.example',
				}),
			).toBe('a lighthouse --sref https://a.example/a%20b.png https://a.example/%C3%A9.png --oref https://a.example/');
		});

		it('takes spaces, tabs, line breaks and commas between URLs, and nothing of them into the prompt', () => {
			expect(build({ styleReferenceUrls: 'https://a.example/1.png\n\thttps://a.example/2.png ,' })).toBe(
				'a lighthouse --sref https://a.example/1.png https://a.example/2.png',
			);
		});

		it('still refuses a parameter typed as its own word', () => {
			expect(failure({ styleReferenceUrls: 'https://a.example/1.png --tile' })).toBe(
				'"Style Reference URLs" must contain http or https URLs',
			);
		});
	});
});
