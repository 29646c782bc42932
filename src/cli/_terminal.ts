/** How the CLI behaves on a terminal and in a pipe (clig.dev, no-color.org). */

/**
 * Whether to colour terminal output: FORCE_COLOR decides when set (0 or false: off), then NO_COLOR
 * (any non-empty value: off, no-color.org), then whether the stream is a terminal that is not "dumb".
 * The same order as Node's own `hasColors()`.
 */
export function colorEnabled(env: Readonly<Record<string, string | undefined>>, isTTY: boolean | undefined): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['NO_COLOR']) return false;
  if (env['NODE_DISABLE_COLORS']) return false;
  if (env['TERM'] === 'dumb') return false;
  return isTTY === true;
}

/**
 * A reader that closes the pipe (`kb facts | head -1`) ends the command quietly: no EPIPE stack
 * trace, exit code 0, as Unix tools do.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    throw error;
  });
}
