/**
 * Internal: the CLI's user rules and packs — `--rules FILE` (CommonJS modules exporting `rules`
 * and/or `packs`) and `--pack NAME` (built-in packs) — as audit options.
 */
import * as path from 'path';
import { IAuditRule } from '../audit/public-rule';
import { RulePack } from '../audit/rule-pack';
import { ruleOrigins } from '../audit/rule-set';

/** A `--rules` file that cannot be used: a usage error of the user's (exit code 2), not an internal one. */
export class RulesFileError extends Error {}

/** The rules and packs of the audit (undefined: not given, every built-in rule runs). */
export interface LoadedRules {
  readonly rules?: IAuditRule[];
  readonly packs?: RulePack[];
}

function show(x: unknown): string {
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

const EXPORTS_FIX = 'export rules (a list of IAuditRule) and/or packs (a list of RulePack), e.g. module.exports = { rules: [registryAllowList] }';

/** Loads one module given to --rules; throws an error naming the file, the problem and the fix. */
function loadModule(file: string): { rules: IAuditRule[]; packs: RulePack[] } {
  let mod: any;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(path.resolve(file));
  } catch (e) {
    throw new RulesFileError(`--rules ${file} cannot be loaded: ${(e as Error).message.split('\n')[0]}. Fix: name a CommonJS module (a .js file; compile TypeScript first) that ${EXPORTS_FIX}`);
  }
  const rules = mod?.rules;
  const packs = mod?.packs;
  if (rules === undefined && packs === undefined) throw new RulesFileError(`--rules ${file} exports neither rules nor packs. Fix: ${EXPORTS_FIX}`);
  if (rules !== undefined && !Array.isArray(rules)) throw new RulesFileError(`--rules ${file}: rules is ${show(rules)}, not a list. Fix: ${EXPORTS_FIX}`);
  if (packs !== undefined && !Array.isArray(packs)) throw new RulesFileError(`--rules ${file}: packs is ${show(packs)}, not a list. Fix: ${EXPORTS_FIX}`);
  (packs ?? []).forEach((p: unknown, i: number) => {
    if (!RulePack.isRulePack(p)) throw new RulesFileError(`--rules ${file}: packs[${i}] is not a RulePack: it is ${show(p)}. Fix: make packs with RulePack.custom() or RulePack.named()`);
  });
  (rules ?? []).forEach((r: unknown, i: number) => {
    if (r !== null && typeof r === 'object') ruleOrigins.set(r, `${file} rules[${i}]`);
  });
  return { rules: rules ?? [], packs: packs ?? [] };
}

/**
 * The rules of `--rules` files and the packs of `--pack` names and of the files, in the order
 * given. Without any pack, every built-in rule runs (the files' rules with them).
 */
export function loadRules(files: readonly string[], packNames: readonly string[]): LoadedRules {
  const rules: IAuditRule[] = [];
  const packs: RulePack[] = packNames.map((n) => RulePack.named(n));
  for (const file of files) {
    const loaded = loadModule(file);
    rules.push(...loaded.rules);
    packs.push(...loaded.packs);
  }
  return { ...(rules.length > 0 ? { rules } : {}), ...(packs.length > 0 ? { packs } : {}) };
}

/** Why a --pack name is not a built-in pack, or undefined. */
export function packNameProblem(name: string): string | undefined {
  const names = RulePack.builtInNames();
  return names.includes(name) ? undefined : `unknown rule pack ${show(name)}; the built-in packs are ${names.join(', ')}`;
}
