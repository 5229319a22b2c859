/**
 * zod, configured: every module that builds a schema imports `z` from here, never from 'zod' itself
 * (lint enforces it), so the settings below are in place before any schema exists whatever the
 * import order. They used to be a side-effect import that each schema module, and each entry point,
 * had to remember to load first.
 *
 * Why jitless: zod 4 compiles fast object parsers with `new Function`, and probes for it when a schema
 * is constructed. Quorum's renderer runs under a CSP without 'unsafe-eval', where that probe is
 * refused and reported as a `securitypolicyviolation` (a console error) even though zod swallows the
 * throw. The interpreted parser is plenty fast for API messages, so we turn the JIT off everywhere.
 */
import { z } from 'zod';

z.config({ jitless: true });

export { z };
