import * as fs from 'fs';
import * as path from 'path';

/**
 * The version of the installed package, from its package.json (two levels up from both
 * `src/cli/` and the compiled `lib/cli/`).
 */
export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));
  return String(pkg.version);
}
