/**
 * Global zod settings, imported first by contract.ts so they apply before any schema is built.
 *
 * Why jitless: zod 4 compiles fast object parsers with `new Function`, and probes for it when a schema
 * is constructed. Quorum's renderer runs under a CSP without 'unsafe-eval', where that probe is
 * refused and reported as a `securitypolicyviolation` (a console error) even though zod swallows the
 * throw. The interpreted parser is plenty fast for API messages, so we turn the JIT off everywhere.
 */
import { z } from 'zod';

z.config({ jitless: true });
