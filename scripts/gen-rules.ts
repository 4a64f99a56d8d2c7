/**
 * Regenerates RULES.md from the audit rules' metadata.
 *
 *   npx ts-node scripts/gen-rules.ts          # write RULES.md
 *   npx ts-node scripts/gen-rules.ts --check  # exit 1 when RULES.md is out of date
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderRulesMarkdown } from '../src/audit/catalogue';

const target = path.join(__dirname, '..', 'RULES.md');
const content = renderRulesMarkdown();

if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf-8') : '';
  if (current !== content) {
    process.stderr.write('RULES.md is out of date: run `npx ts-node scripts/gen-rules.ts`\n');
    process.exit(1);
  }
  process.stdout.write('RULES.md is up to date\n');
} else {
  fs.writeFileSync(target, content, 'utf-8');
  process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}
