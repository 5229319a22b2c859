/** Bad input: reported as one line on stderr with exit code 2 (the CLI contract). */
export class BadInput extends Error {
  override readonly name = 'BadInput';
}
