import { describe, expect, it } from 'vitest';
import { greyProperties, invertsGrey } from './greyDisplay';

describe('greyDisplay', () => {
  it('inverts the grey scale of a MONOCHROME1 volume only', () => {
    expect(invertsGrey({ displayInverted: true })).toBe(true);
    expect(invertsGrey({ displayInverted: false })).toBe(false);
    expect(invertsGrey({})).toBe(false);
  });

  it('gives a pane the window it is handed and the volume’s inversion, leaving the window alone without one', () => {
    const window = { lower: -40, upper: 120 };
    const props = greyProperties({ displayInverted: true }, window);
    expect(props).toEqual({ voiRange: window, invert: true });
    expect(props.voiRange).not.toBe(window);
    expect(greyProperties({}, null)).toEqual({ invert: false });
  });
});
