import { MIDJOURNEY_BUTTONS, type MidjourneyButton } from '../../../shared/buttons/midjourney-buttons';
import { InvalidFieldError } from '../../../shared/node-errors';
import { requireText } from '../validate-input';

/** What the Action field asks for: a name LinkrAPI documents, a button to find on the task, or a raw custom_id. */
export type ActionChoice =
	| { kind: 'documented'; button: MidjourneyButton }
	| { kind: 'button'; button: MidjourneyButton }
	| { kind: 'custom'; customId: string };

export const CUSTOM_CHOICE = 'custom';
const RAW_CUSTOM_ID = /^MJ::/;

const comparable = (text: string) => text.toLowerCase().replace(/[^a-z0-9.]/g, '');

/** Each button by its value, its name, and for the grid's buttons also its label (U2, V3): what an agent may write. */
const BY_SPELLING = new Map<string, MidjourneyButton>();
for (const button of MIDJOURNEY_BUTTONS) {
	for (const spelling of [button.value, button.name]) BY_SPELLING.set(comparable(spelling), button);
	const position = /^(upsample|variation)([1-4])$/.exec(button.value);
	if (position) BY_SPELLING.set(`${position[1] === 'upsample' ? 'u' : 'v'}${position[2]}`, button);
}

function choiceOf(button: MidjourneyButton): ActionChoice {
	return button.documented ? { kind: 'documented', button } : { kind: 'button', button };
}

/**
 * Reads the Action field. An expression (or an AI agent) may give a button's value or name in any case, or a raw
 * custom_id; anything else is refused with the list of buttons before any request.
 */
export function readActionChoice(action: unknown, customId: () => unknown): ActionChoice {
	const text = requireText('Action', action);
	if (text === CUSTOM_CHOICE) return { kind: 'custom', customId: requireText('Custom ID', customId()) };
	if (RAW_CUSTOM_ID.test(text)) return { kind: 'custom', customId: text };
	const button = BY_SPELLING.get(comparable(text));
	if (button) return choiceOf(button);
	throw new InvalidFieldError(
		'Action',
		`The "Action" field holds "${text.slice(0, 80)}", which is not a Midjourney button the node knows`,
		`Choose one of: ${MIDJOURNEY_BUTTONS.map((known) => `${known.name} (${known.value})`).join(', ')}. For any other button choose "Custom (Raw Custom ID)", or put its custom_id (MJ::…) in the field.`,
	);
}
