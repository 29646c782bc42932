import { Command, CommanderError, Option } from 'commander';
import { KbError } from '../engine/errors.ts';
import { endQuietlyOnClosedPipe } from './_terminal.ts';
import { exitCodes } from './exit-codes.ts';

const examples = `
Examples:
  $ kb diagnose "Nicht autorisiert"                (answered in German: the message is)
  $ kb diagnose "The remote server returned an error: (401) Unauthorized." --fact credentialsWorkInWebmail=yes
  $ kb diagnose --fact url=https://mail.example.com/owa --fact httpStatus=302 --format json
  $ echo '{"message":"Exchange-URL ist ungültig","lang":"de"}' | kb diagnose --input - --format json
  $ kb diagnose "Unauthorized" --interactive
  $ kb search "nciht autorisiert"
  $ kb show cert-name-mismatch --lang de
  $ kb lint rules/.. --format json
  $ kb priors --db postgres://kb@db.example.com:5432/kb --format yaml

Exit codes:
  0  success (lint: no errors; test: all passed)
  1  lint errors or failing rule tests
  2  invalid input: bad flags, request, fact value or symptom
  3  the knowledge base has errors and cannot be loaded
  4  not found (kb show with an unknown id)
  5  the probe could not run
`;

/** Builds the `kb` command; each subcommand imports its module only when it runs. */
export function buildProgram(): Command {
  const program = new Command('kb')
    .description('Troubleshooting knowledge base for Exchange (EWS) connection errors: from an error message to ranked causes and guidance in German or English.')
    .version('0.1.0')
    .addHelpText('after', examples)
    .showHelpAfterError()
    .exitOverride();
  const langOption = () => new Option('--lang <lang>', 'language of the answer: de or en').choices(['de', 'en']);
  const answerLangOption = () =>
    new Option('--lang <lang>', "language of the answer: de or en (default: the message's language, else the knowledge base's default)").choices(['de', 'en']);
  const kbOption = () => new Option('--kb <dir>', 'knowledge base folder (default: the bundled one)');

  program
    .command('diagnose')
    .description('rank the causes of an error message and/or facts, with guidance')
    .argument('[message...]', 'the error message or pasted text, at most 20000 characters; - reads it from standard input')
    .option('-f, --fact <name=value>', 'a known fact (repeatable), e.g. --fact httpStatus=401', collect, [])
    .option('-s, --symptom <id>', 'the symptom id, if already known')
    .addOption(answerLangOption())
    .addOption(new Option('--format <format>', 'output format; summary is the case as Markdown for a ticket (as POST /v1/summary)').choices(['text', 'md', 'html', 'json', 'summary']).default('text'))
    .option('-i, --input <file>', 'read the JSON request from a file, or - for standard input')
    .option('--interactive', 'ask the next questions in the terminal until a cause is confirmed')
    .option('--probe <url>', 'probe this Exchange URL first and diagnose with what it observes (email and username come from --fact)')
    .option('--password-stdin', 'with --probe: read the password from standard input (or set KB_PROBE_PASSWORD)')
    .addOption(new Option('--password <password>').hideHelp())
    .addOption(kbOption())
    .action(async (message: string[], opts) => (await import('./diagnose.ts')).runDiagnose(message, opts));

  program
    .command('lint')
    .description('check the knowledge base: YAML, schemas, references, regexes and pages')
    .argument('[dir]', 'knowledge base folder (default: the bundled one)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(langOption())
    .option('--watch', 'check again on every change')
    .action(async (dir: string | undefined, opts) => (await import('./lint.ts')).runLint(dir, opts));

  program
    .command('test')
    .description('run the rule tests of the knowledge base (rules/tests/*.yaml)')
    .argument('[dir]', 'knowledge base folder (default: the bundled one)')
    .option('--filter <text>', 'only cases whose name contains this text')
    .option('--coverage', 'report which causes, conditions and signals the cases exercise')
    .option('--watch', 'run again on every change')
    .addOption(langOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (dir: string | undefined, opts) => (await import('./test.ts')).runTest(dir, opts));

  program
    .command('graph')
    .description('draw the decision flow: symptoms, their causes, the facts each needs, the question order')
    .option('--symptom <id>', 'only this symptom')
    .addOption(new Option('--format <format>', 'diagram language').choices(['mermaid', 'dot']).default('mermaid'))
    .addOption(langOption())
    .addOption(kbOption())
    .action(async (opts) => (await import('./graph.ts')).runGraph(opts));

  program
    .command('preview')
    .description('render a content page in the terminal, or to a standalone HTML file')
    .argument('<id>', 'symptom or cause id')
    .addOption(langOption())
    .option('--html <file>', 'write a standalone HTML file instead')
    .addOption(kbOption())
    .action(async (id: string, opts) => (await import('./graph.ts')).runPreview(id, opts));

  program
    .command('search')
    .description('find known error messages (typos and partial text welcome)')
    .argument('<text...>', 'what to look for')
    .addOption(langOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(kbOption())
    .action(async (text: string[], opts) => (await import('./search.ts')).runSearch(text.join(' '), opts));

  program
    .command('show')
    .description('show the page of a symptom or cause')
    .argument('<id>', 'symptom or cause id')
    .addOption(langOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'md', 'html']).default('text'))
    .addOption(kbOption())
    .action(async (id: string, opts) => (await import('./show.ts')).runShow(id, opts));

  program
    .command('facts')
    .description('list the fact catalogue: names, types, questions')
    .addOption(langOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(kbOption())
    .action(async (opts) => (await import('./show.ts')).runFacts(opts));

  program
    .command('mcp')
    .description('serve the knowledge base as an MCP tool server on stdin/stdout (for chatbots); logs go to stderr')
    .addOption(kbOption())
    .option('--message-limit <bytes>', 'largest message in bytes, e.g. 128kb; a larger one is refused unread (env KB_MCP_MESSAGE_LIMIT; default 128kb)')
    .action(async (opts) => (await import('./mcp.ts')).runMcp(opts));

  program
    .command('serve')
    .description('serve the HTTP API (/v1/...) and the web page for support agents; every option also reads a KB_* variable')
    .option('-p, --port <port>', 'port to listen on, 0 for any free one (env KB_PORT or PORT; default 3000)')
    .option('--host <host>', 'address to listen on; 0.0.0.0 for all interfaces (env KB_HOST; default 127.0.0.1)')
    .addOption(new Option('--kb <dir>', 'knowledge base folder (env KB_DIR; default: the bundled one)'))
    .option('--watch', 'reload rules and content when they change; a broken edit keeps the last good one serving (env KB_WATCH)')
    .option('--body-limit <bytes>', 'largest request body, e.g. 100kb (env KB_BODY_LIMIT; default 100kb)')
    .option('--max-message <chars>', 'longest message in characters (env KB_MAX_MESSAGE; default 20000)')
    .option('--timeout <ms>', 'time a diagnosis may take before 503 TIMEOUT (env KB_TIMEOUT_MS; default 10000)')
    .option('--request-timeout <ms>', 'time a client has to send its whole request (env KB_REQUEST_TIMEOUT_MS; default 30000)')
    .option('--rate-limit <n>', 'requests per client and window, 0 for none (env KB_RATE_LIMIT; default 300)')
    .option('--rate-window <ms>', 'the rate limit window (env KB_RATE_WINDOW_MS; default 60000)')
    .option('--cors-origin <origin>', 'allow browser calls from this origin (repeatable; * for any; env KB_CORS_ORIGINS, comma-separated; default: CORS off)', collect, [])
    .option('--trust-proxy', 'take the client address from X-Forwarded-For (env KB_TRUST_PROXY)')
    .addOption(new Option('--log-level <level>', 'log level (env KB_LOG_LEVEL)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .option('--cache-size <n>', 'diagnoses kept for repeated identical requests, 0 = off (env KB_CACHE_SIZE, default 1000)')
    .option('--db <file|url>', "agents' feedback on which cause solved a case: an SQLite file, or postgres://user@host:port/db for several instances; '' or off turns feedback off (env KB_DB; default kb-feedback.sqlite)")
    .option('--learn', 'rank with priors learned from the feedback (needs --feedback-token; env KB_LEARN)')
    .option('--learn-interval <ms>', 'how often the learned priors are read again from the database, which other instances write too (env KB_LEARN_INTERVAL_MS; default 30000)')
    .option('--feedback-token <token>', 'require "Authorization: Bearer <token>" on POST /v1/feedback, 16+ characters (prefer env KB_FEEDBACK_TOKEN: arguments are visible to other users)')
    .option('--feedback-rate-limit <n>', 'feedback answers per client and --rate-window, 0 for only the general limit (env KB_FEEDBACK_RATE_LIMIT; default 20)')
    .option('--allow-probe', 'offer the live test from the page and POST /v1/probe: the server connects to the Exchange URL a caller names, never to loopback, private, link-local or metadata addresses (env KB_ALLOW_PROBE)')
    .option('--probe-rate-limit <n>', 'live tests per client and --rate-window, 1 to 1000 (env KB_PROBE_RATE_LIMIT; default 5)')
    .action(async (opts) => {
      await (await import('./serve.ts')).runServe(opts);
    });

  program
    .command('priors')
    .description('per symptom and cause: the written prior, solved and not-solved feedback, the learned prior, and a YAML patch a writer can adopt')
    .option('--db <file|url>', 'the feedback database: an SQLite file or a postgres:// URL (env KB_DB; default kb-feedback.sqlite); read, never written')
    .option('--symptom <id>', 'only this symptom')
    .addOption(new Option('--format <format>', 'output format; yaml prints only the patch').choices(['table', 'json', 'yaml']).default('table'))
    .addOption(langOption())
    .addOption(kbOption())
    .action(async (opts) => (await import('./priors.ts')).runPriors(opts));

  program
    .command('probe')
    .description('observe an Exchange URL live (DNS, TCP, TLS certificate, HTTP answer, EWS sign-in) and print the facts for kb diagnose')
    .argument('<url>', 'the Exchange URL, e.g. https://mail.example.com/EWS/Exchange.asmx')
    .option('--email <address>', 'the mailbox address (the EWS call opens its inbox)')
    .option('--username <name>', 'the sign-in name: DOMAIN\\user, a UPN or a plain name (default: the e-mail address)')
    .option('--password-stdin', 'read the password from standard input (or set KB_PROBE_PASSWORD); it is never an argument')
    .addOption(new Option('--password <password>').hideHelp())
    .option('--send-test <address>', 'also send one test message from --email to this address')
    .option('--ca <file>', 'PEM file with extra trusted root certificates (a corporate CA)')
    .option('--timeout <seconds>', 'time limit of each step (default 10)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--lang <lang>', 'language of the report: de or en').choices(['de', 'en']).default('en'))
    .action(async (url: string, opts) => {
      await (await import('./probe.ts')).runProbe(url, opts);
    });

  return program;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Runs the CLI and returns the exit code; the one place that turns errors into output. */
export async function main(argv: readonly string[]): Promise<number> {
  endQuietlyOnClosedPipe(process.stdout);
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : exitCodes.usage;
    }
    if (error instanceof KbError) {
      process.stderr.write(`kb: ${error.code}: ${error.message}${error.field ? ` (field: ${error.field})` : ''}\n`);
      return error.code === 'KB_INVALID' ? exitCodes.kbInvalid : error.code === 'NOT_FOUND' ? exitCodes.notFound : error.code === 'PROBE_FAILED' ? exitCodes.probe : exitCodes.usage;
    }
    process.stderr.write(`kb: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 70;
  }
}
