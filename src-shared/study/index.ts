/**
 * Reader studies (Turing-style, blinded, randomised): pure logic shared by the server and the UI.
 * See README.md for the statistical conventions and the blinding model.
 */
export * from './design';
export * from './randomisation';
export * from './trials';
export * from './blinding';
export * from './answers';
export * from './lifecycle';
export * from './decode';
export * from './analysis';
export * from './export';
export * as statistics from './statistics';
