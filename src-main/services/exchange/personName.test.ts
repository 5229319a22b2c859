/**
 * Quorum names as DICOM PN values (personName.ts): ordinary names unchanged, PN components kept,
 * and odd names (carets, backslashes, "=", control characters, very long, non-ASCII) made valid.
 * Expected values are written out by hand from the rule; `validPn` checks PS3.5 6.2 independently.
 */
import { describe, expect, it } from 'vitest';
import { dicomPersonName } from './personName';

/** PS3.5 6.2 for one alphabetic component group: ≤ 5 components, ≤ 64 bytes, no \, =, control characters. */
function validPn(v: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what is checked for
  return v.split('^').length <= 5 && new TextEncoder().encode(v).length <= 64 && !/[\\=\u0000-\u001f\u007f-\u009f]/.test(v);
}

describe('dicomPersonName', () => {
  it('keeps an ordinary name as one component, as typed', () => {
    expect(dicomPersonName('Anna Smith')).toBe('Anna Smith');
    expect(dicomPersonName('Demo DWI lesion 1.0.0 (model)')).toBe('Demo DWI lesion 1.0.0 (model)');
  });

  it('takes carets as PN components, at most five, without empty trailing ones', () => {
    expect(dicomPersonName('Smith^Anna')).toBe('Smith^Anna');
    expect(dicomPersonName(' Smith ^ Anna ^^ ')).toBe('Smith^Anna');
    expect(dicomPersonName('a^b^c^d^e^f^^g')).toBe('a^b^c^d^e f g');
    expect(dicomPersonName('^^^')).toBe('');
  });

  it('turns backslashes, "=" and control characters into single spaces', () => {
    expect(dicomPersonName('back\\slash')).toBe('back slash');
    expect(dicomPersonName('Yamada=山田')).toBe('Yamada 山田');
    expect(dicomPersonName('tab\there\nand\u001bescape')).toBe('tab here and escape');
  });

  it('keeps non-ASCII names and cuts long ones to 64 bytes of UTF-8 on a character boundary', () => {
    expect(dicomPersonName('Zoë Ångström')).toBe('Zoë Ångström');
    expect(dicomPersonName('x'.repeat(100))).toBe('x'.repeat(64));
    // 李 is 3 bytes in UTF-8: 21 fit in 64 bytes.
    expect(dicomPersonName('李'.repeat(30))).toBe('李'.repeat(21));
    // A cut that would leave a trailing caret or space drops it.
    expect(dicomPersonName(`${'y'.repeat(63)}^Given`)).toBe('y'.repeat(63));
  });

  it('always gives a valid PN value', () => {
    const odd = ['Anna Smith', 'a^b^c^d^e^f', 'x\\y=z', '\u0000\u0085', 'é'.repeat(40), `${'ü'.repeat(31)}^^^^^^`, 'Ω^'.repeat(50)];
    for (const name of odd) expect(validPn(dicomPersonName(name)), name).toBe(true);
  });
});
