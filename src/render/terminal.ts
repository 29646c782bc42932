import { Marked, type Tokens } from 'marked';
import { markedTerminal } from 'marked-terminal';

let terminalMarked: Marked | undefined;

/** Markdown for a terminal: headings, lists and code styled; plain when colours are off. */
export function renderTerminal(markdown: string, width = 88): string {
  terminalMarked ??= new Marked(markedTerminal({ width, reflowText: true, tab: 2 }) as never, {
    renderer: {
      // marked-terminal prints inline formatting inside list items raw (upstream #371); parse it here.
      text(token: Tokens.Text | Tokens.Escape) {
        return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : false;
      },
    },
  });
  return (terminalMarked.parse(markdown, { async: false }) as string).replace(/\n{3,}/g, '\n\n');
}
