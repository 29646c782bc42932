/** Exit codes of the `kb` command (documented in its --help and the README). */
export const exitCodes = { ok: 0, failed: 1, usage: 2, kbInvalid: 3, notFound: 4, probe: 5 } as const;
