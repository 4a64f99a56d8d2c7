/**
 * Internal: command lines read for literal credentials with the one secret detector
 * (`secret-detector.ts`, which judges every name, value and header): the items of a container's
 * command and args or of an exec probe or hook, and the words of the shell scripts in them
 * (`sh -c "..."`, nested `su -c "..."` too).
 *
 * Forms: `--name=value`, `-name=value`, `NAME=value`, `--name value` (whose name looks secret),
 * `--from-literal=password=value`, and the password options of a few clients that are not named
 * so: mysql's `-pVALUE` (attached only: mysql reads `-p VALUE` as a prompt then a database name),
 * `-p` of the MongoDB tools and sshpass, redis-cli's `-a` / `--pass`, curl's `-u user:password`,
 * openssl's `-passin pass:...`, and curl's and wget's headers (`-H "Authorization: Bearer ..."`).
 * `-p` of any other program (psql's, ssh's port) is no password.
 */
import { SecretEnv, isLiteralSecretCandidate, maySecretName, secretHeader, secretNamedLiteral, secretValueReason } from './secret-detector';

/** A literal credential found in a command line. */
export interface SecretArg {
  /** Index of the item that holds it. */
  readonly index: number;
  /** The flag that passes it (`--db-password`, `PGPASSWORD`, `-p`); undefined when the item's value alone gives it away. */
  readonly flag?: string;
  readonly found: SecretEnv;
}

/** `--name=value`, `-name=value` or `NAME=value` as one item (the value is the rest of the item: no shell splits it). */
const WHOLE_FLAG = /^(-{0,2})([A-Za-z_][\w.-]*)=([\s\S]*)$/;
/** `--name` / `-name` alone: its value may be the next item. */
const BARE_FLAG = /^-{1,2}([A-Za-z][\w.-]*)$/;
/**
 * `NAME=value` / `--name=value` anywhere in a script whose name may look secret, in quoted strings
 * and substitutions too (`psql "password=..."`, `x=$(PGPASSWORD=... psql)`): what the words miss.
 */
const SCRIPT_FLAG = /(?:^|[\s;&|(])(-{0,2})(?=[\w.-]*(?:pass|pwd|secret|token|jwt|bearer|key|cred|auth))([A-Za-z_][\w.-]*)=(\$\([^)]*\)|"[^"]*"|'[^']*'|[^\s;&|)]*)/gi;
/** Nested scripts are read this deep (`sh -c "su app -c '...'"`). */
const MAX_DEPTH = 4;

/** How a client's option carries a credential: its value, its value only when attached (`-pVALUE`), `user:password`, or `Name: value`. */
type OptionKind = 'password' | 'attached' | 'userinfo' | 'header' | 'passphrase';
const MYSQL: Record<string, OptionKind> = { '-p': 'attached' };
const MONGO: Record<string, OptionKind> = { '-p': 'password' };
const CURL: Record<string, OptionKind> = {
  '-u': 'userinfo',
  '--user': 'userinfo',
  '-U': 'userinfo',
  '--proxy-user': 'userinfo',
  '-H': 'header',
  '--header': 'header',
  '--proxy-header': 'header',
};
/** Options that carry a credential without a name that says so, by program (from the mysql, mongosh, redis-cli, sshpass, curl, wget and openssl manuals). */
const CLIENT_OPTIONS: Record<string, Record<string, OptionKind>> = {
  ...Object.fromEntries(['mysql', 'mysqladmin', 'mysqldump', 'mysqlcheck', 'mysqlimport', 'mysqlshow', 'mysqlslap', 'mysqlpump',
    'mariadb', 'mariadb-admin', 'mariadb-dump', 'mariadb-check'].map((p) => [p, MYSQL])),
  ...Object.fromEntries(['mongosh', 'mongo', 'mongodump', 'mongorestore', 'mongoexport', 'mongoimport', 'mongostat', 'mongotop', 'mongofiles']
    .map((p) => [p, MONGO])),
  'sshpass': { '-p': 'password' },
  'redis-cli': { '-a': 'password', '--pass': 'password' },
  'curl': CURL,
  'wget': { '--header': 'header' },
  // `pass:<password>` is the literal form; `env:VAR`, `file:path`, `fd:N` and `stdin` are references.
  'openssl': { '-passin': 'passphrase', '-passout': 'passphrase', '-pass': 'passphrase' },
};
const OPTION_TEXT: Record<OptionKind, string> = { password: 'password', attached: 'password', userinfo: 'user and password', header: 'header', passphrase: 'pass phrase' };
/** Flags that switch something on or off (`--no-auth`, `--skip-token-check`): the next word is not their value. */
const SWITCH = /^(no|skip|disable|enable|without|allow|require|insecure|ignore)[-_.]/i;
/** Words that run the next word as the program. */
const WRAPPERS = new Set(['exec', 'env', 'command', 'nohup', 'time', 'nice', 'sudo']);

function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** The program of a command (past `exec`, `env`, `NAME=value` ...) and where its arguments start. */
function programOf(words: readonly unknown[]): { name: string; start: number } | undefined {
  let wrapped = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (typeof w !== 'string') return undefined;
    if (/^[A-Za-z_]\w*=/.test(w) || (wrapped && w.startsWith('-'))) continue;
    const name = basename(w);
    if (!WRAPPERS.has(name)) return { name, start: i + 1 };
    wrapped = true;
  }
  return undefined;
}

/** The credential a client's option passes at `words[i]`, and whether its value is the next word. */
function clientOption(program: string, words: readonly unknown[], i: number, annotations: { [key: string]: string }):
{ flag: string; found: SecretEnv; next: boolean } | undefined {
  const options = CLIENT_OPTIONS[program];
  const w = words[i];
  if (options === undefined || typeof w !== 'string' || !w.startsWith('-')) return undefined;
  let flag = w;
  let value: unknown = undefined;
  let next = false;
  if (Object.prototype.hasOwnProperty.call(options, w)) {
    if (options[w] === 'attached') return undefined; // `-p` alone prompts
    value = words[i + 1];
    next = true;
  } else {
    const eq = w.indexOf('=');
    flag = w.startsWith('--') ? (eq < 0 ? w : w.slice(0, eq)) : w.slice(0, 2);
    if (!Object.prototype.hasOwnProperty.call(options, flag) || (w.startsWith('--') && eq < 0)) return undefined;
    value = w.slice(flag.length).replace(/^=/, '');
  }
  if (typeof value !== 'string' || (next && value.startsWith('-'))) return undefined;
  const kind = options[flag];
  const found = judgeOption(kind, value, annotations, `its flag (the ${OPTION_TEXT[kind]} option of ${program})`);
  return found ? { flag, found, next } : undefined;
}

function judgeOption(kind: OptionKind, value: string, annotations: { [key: string]: string }, why: string): SecretEnv | undefined {
  if (kind === 'header') {
    const colon = value.indexOf(':');
    return colon > 0 ? secretHeader(value.slice(0, colon), value.slice(colon + 1).trim(), annotations) : undefined;
  }
  const password = kind === 'userinfo' ? (value.includes(':') ? value.slice(value.indexOf(':') + 1) : '')
    : kind === 'passphrase' ? (value.startsWith('pass:') ? value.slice(5) : '') : value;
  return isLiteralSecretCandidate(password) && !password.includes('://') ? { why, byName: false } : undefined;
}

/**
 * Judges the items of a command line (command then args, or an exec probe's command) in order,
 * one finding per item: its value in a credential format, else a flag of it or in the script it
 * holds. `programGiven`: whether the first item is the program (the container's `command` is set).
 */
export function secretCommandLine(items: readonly unknown[], programGiven: boolean, annotations: { [key: string]: string } = {}): SecretArg[] {
  const out: SecretArg[] = [];
  judgeWords(items, programGiven, annotations, 0, out);
  return out;
}

function judgeWords(words: readonly unknown[], programGiven: boolean, annotations: { [key: string]: string }, depth: number, out: SecretArg[]): void {
  const program = programGiven ? programOf(words) : undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (typeof w !== 'string') continue;
    const what = depth === 0 ? secretValueReason(w) : undefined;
    if (what) {
      out.push({ index: i, found: { why: `its value (${what})`, byName: false } });
      continue;
    }
    const option = program !== undefined && i >= program.start ? clientOption(program.name, words, i, annotations) : undefined;
    if (option) {
      out.push({ index: option.next ? i + 1 : i, flag: option.flag, found: option.found });
      if (option.next) i++;
      continue;
    }
    const whole = WHOLE_FLAG.exec(w);
    const spaced = /\s/.test(w);
    // A script: an item with spaces (not `--name=value`), and within one the word after `-c` (`sh -c`, `su -c`).
    const prev = words[i - 1];
    if (spaced && (depth === 0 ? !(whole && whole[1] !== '') : depth < MAX_DEPTH && typeof prev === 'string' && /^-[A-Za-z]*c$/.test(prev))) {
      const hit = scriptHit(w, annotations, depth + 1) ?? (depth === 0 ? scriptFlag(w, annotations) : undefined);
      if (hit) out.push({ index: i, flag: hit.flag, found: hit.found });
      continue;
    }
    if (whole) {
      const hit = wholeFlag(whole, annotations);
      if (hit) out.push({ index: i, ...hit });
      continue;
    }
    if (spaced) continue;
    const bare = BARE_FLAG.exec(w);
    const next = words[i + 1];
    if (bare && typeof next === 'string' && !next.startsWith('-') && maySecretName(bare[1]) && !SWITCH.test(bare[1]) && secretValueReason(next) === undefined) {
      const found = secretNamedLiteral(bare[1], next, annotations);
      if (found) {
        out.push({ index: i + 1, flag: w, found });
        i++;
      }
    }
  }
}

/** `--name=value` judged by its name, or by the name in its value (`--from-literal=password=...`, `--set=auth.password=...`). */
function wholeFlag(whole: RegExpExecArray, annotations: { [key: string]: string }): { flag: string; found: SecretEnv } | undefined {
  const found = maySecretName(whole[2]) ? secretNamedLiteral(whole[2], whole[3], annotations) : undefined;
  if (found) return { flag: whole[1] + whole[2], found };
  const inner = whole[1] === '' ? null : /^([A-Za-z_][\w.-]*)=([\s\S]*)$/.exec(whole[3]);
  const innerFound = inner && maySecretName(inner[1]) ? secretNamedLiteral(inner[1], inner[2], annotations) : undefined;
  return innerFound ? { flag: inner![1], found: innerFound } : undefined;
}

/** The first literal credential passed by a flag in a shell script. */
function scriptHit(script: string, annotations: { [key: string]: string }, depth: number): SecretArg | undefined {
  for (const words of scriptCommands(script)) {
    const out: SecretArg[] = [];
    judgeWords(words, true, annotations, depth, out);
    if (out.length > 0) return out[0];
  }
  return undefined;
}

/** The first `name=value` of a script found by SCRIPT_FLAG whose value is a literal. */
function scriptFlag(script: string, annotations: { [key: string]: string }): { flag: string; found: SecretEnv } | undefined {
  SCRIPT_FLAG.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SCRIPT_FLAG.exec(script)) !== null) {
    const v = m[3];
    const found = secretNamedLiteral(m[2], v.length >= 2 && (v[0] === '"' || v[0] === '\'') && v[v.length - 1] === v[0] ? v.slice(1, -1) : v, annotations);
    if (found) return { flag: m[1] + m[2], found };
  }
  return undefined;
}

/** Where the `(`/`{` at `i` is closed (after it), counting nested brackets and skipping single-quoted text. */
function closing(s: string, i: number): number {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '\'') i = s.indexOf('\'', i + 1) < 0 ? s.length : s.indexOf('\'', i + 1);
    else if (c === '(' || c === '{') depth++;
    else if ((c === ')' || c === '}') && --depth === 0) return i + 1;
  }
  return s.length;
}

/** A `$(...)`, `${...}` or backquoted substitution at `i`, kept whole (a backquoted one as `$(...)`), or undefined. */
function substitution(s: string, i: number): [string, number] | undefined {
  if (s[i] === '$' && (s[i + 1] === '(' || s[i + 1] === '{')) {
    const end = closing(s, i + 1);
    return [s.slice(i, end), end];
  }
  if (s[i] === '`') {
    const end = s.indexOf('`', i + 1) < 0 ? s.length : s.indexOf('`', i + 1);
    return [`$(${s.slice(i + 1, end)})`, end + 1];
  }
  return undefined;
}

/** The text of the double-quoted string starting after `i`, and where it ends. */
function doubleQuoted(s: string, i: number): [string, number] {
  let text = '';
  while (i < s.length && s[i] !== '"') {
    const sub = substitution(s, i);
    if (sub) {
      text += sub[0];
      i = sub[1];
    } else if (s[i] === '\\' && i + 1 < s.length && '"\\$`\n'.includes(s[i + 1])) {
      if (s[i + 1] !== '\n') text += s[i + 1];
      i += 2;
    } else {
      text += s[i++];
    }
  }
  return [text, i + 1];
}

/**
 * The simple commands of a shell script as words, split at `;`, `&`, `|`, `(`, `)` and newlines:
 * quotes and comments removed, substitutions kept whole so that `"$(cat /run/secrets/x)"` stays a reference.
 */
export function scriptCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  for (let i = 0; i < script.length;) {
    const c = script[i];
    const sub = substitution(script, i);
    if (sub) {
      word = (word ?? '') + sub[0];
      i = sub[1];
    } else if (c === '\'') {
      const end = script.indexOf('\'', i + 1) < 0 ? script.length : script.indexOf('\'', i + 1);
      word = (word ?? '') + script.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const [text, end] = doubleQuoted(script, i + 1);
      word = (word ?? '') + text;
      i = end;
    } else if (c === '\\') {
      if (script[i + 1] !== '\n') word = (word ?? '') + (script[i + 1] ?? '');
      i += 2;
    } else if (c === '#' && word === undefined) {
      const end = script.indexOf('\n', i);
      i = end < 0 ? script.length : end;
    } else if (c === ' ' || c === '\t' || c === '<' || c === '>') {
      endWord();
      i++;
    } else if (';&|()\n'.includes(c)) {
      endWord();
      if (words.length > 0) commands.push(words);
      words = [];
      i++;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  endWord();
  if (words.length > 0) commands.push(words);
  return commands;
}
