/**
 * Internal: the globs of the audit CLI's scoping options and of audit exceptions.
 *
 * - path globs (`--exclude-path`, an exception's `file`): `**` any number of path segments, `*`
 *   and `?` within one segment, `{a,b}` alternatives; as in .gitignore, a glob without `/`
 *   matches a file or folder name at any depth, one with `/` the path from the working directory,
 *   and a folder that matches covers everything under it;
 * - name patterns (namespaces, kinds, object names): `*` any characters, `?` one, the rest literal.
 */

function escapeRegExp(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/**
 * A glob as a regular expression: `**` any number of path segments, `*` and `?` within one
 * segment, `{a,b}` alternatives; everything else literal.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '{' && glob.indexOf('}', i) > i) {
      const end = glob.indexOf('}', i);
      re += `(?:${glob.slice(i + 1, end).split(',').map((alt) => alt.split('*').map(escapeRegExp).join('[^/]*')).join('|')})`;
      i = end;
    } else {
      re += escapeRegExp(c);
    }
  }
  return new RegExp(`^${re}$`);
}

/**
 * Whether a file (as displayed: relative to the working directory, `/`-separated) is matched by
 * one of the globs. As in .gitignore: a glob without `/` matches a file or folder name at any
 * depth (`vendor`, `*.generated.yaml`); a glob with `/` matches from the working directory
 * (`deploy/upstream`, `deploy/gen-*.yaml`); a folder that matches covers everything under it.
 */
export function pathExcluded(file: string, globs: readonly RegExp[], anchored: readonly boolean[]): boolean {
  const segments = file.split('/').filter((s, i) => !(s === '.' && i === 0));
  for (let g = 0; g < globs.length; g++) {
    if (anchored[g]) {
      for (let n = 1; n <= segments.length; n++) if (globs[g].test(segments.slice(0, n).join('/'))) return true;
    } else if (segments.some((s) => globs[g].test(s))) {
      return true;
    }
  }
  return false;
}

/** Compiles path globs (leading `./` and trailing `/` dropped). */
export function compileExcludes(globs: readonly string[]): { globs: RegExp[]; anchored: boolean[] } {
  const cleaned = globs.map((g) => g.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, ''));
  return { globs: cleaned.map(globToRegExp), anchored: cleaned.map((g) => g.includes('/')) };
}

/** Whether `file` matches the path glob `glob` (see `pathExcluded`). */
export function pathMatches(file: string, glob: string): boolean {
  const { globs, anchored } = compileExcludes([glob]);
  return pathExcluded(file.replace(/\\/g, '/'), globs, anchored);
}

/** A matcher of name patterns (`*` any characters, `?` one); undefined for no patterns. */
export function nameMatcher(patterns: readonly string[], caseInsensitive: boolean): ((v: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const res = patterns.map((p) => new RegExp(`^${p.split('*').map((s) => escapeRegExp(s).replace(/\?/g, '.')).join('.*')}$`, caseInsensitive ? 'i' : ''));
  return (v) => res.some((r) => r.test(v));
}
