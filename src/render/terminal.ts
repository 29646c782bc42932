import { stripVTControlCharacters } from 'node:util';
import { Marked, type Tokens } from 'marked';
import { markedTerminal } from 'marked-terminal';

let terminalMarked: Marked | undefined;

export interface TerminalOptions {
  readonly width?: number;
  /**
   * false: no escape sequences at all (NO_COLOR, a pipe). Default: whatever chalk found for standard
   * output (a terminal, or FORCE_COLOR).
   */
  readonly color?: boolean;
}

/** Markdown for a terminal: headings, lists and code styled; plain when colours are off. */
export function renderTerminal(markdown: string, options: TerminalOptions = {}): string {
  const width = options.width ?? 88;
  terminalMarked ??= new Marked(markedTerminal({ width, reflowText: true, tab: 2 }) as never, {
    renderer: {
      // marked-terminal prints inline formatting inside list items raw (upstream #371); parse it here.
      text(token: Tokens.Text | Tokens.Escape) {
        return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : false;
      },
    },
  });
  const text = (terminalMarked.parse(markdown, { async: false }) as string).replace(/\n{3,}/g, '\n\n');
  // chalk (inside marked-terminal) ignores NO_COLOR on a terminal; the caller's decision wins here.
  return options.color === false ? stripVTControlCharacters(text) : text;
}
