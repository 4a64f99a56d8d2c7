/**
 * Agreement with Pod Security Admission itself: every upstream `restricted` fixture (vendored in
 * test/fixtures/pod-security, see its README) through the audit, with the pod in a namespace pinned
 * to the fixture's version. A pod upstream admits gets no SB-PSS-* finding; a pod upstream refuses
 * gets one from a rule that claims the control the fixture exercises.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PSS_CONTROLS, podSecurityFindings, pssClaim } from '../../scripts/agreement';
import { LATEST_POD_SECURITY_MINOR, MIN_POD_SECURITY_MINOR } from '../../src/audit/pod-security-version';
import { readManifestFiles } from '../../src/manifest/reader';

const ROOT = path.join(__dirname, '..', 'fixtures', 'pod-security', 'restricted');
const DIRS = fs.readdirSync(ROOT).sort((a, b) => minorOf(a) - minorOf(b));
const OLDEST = DIRS[0];
const NEWEST = DIRS[DIRS.length - 1];

/** How many fixtures upstream generates per version (a guard against a partial copy). */
const COUNTS: { [dir: string]: { pass: number; fail: number } } = {
  'v1.36': { pass: 23, fail: 76 },
  'v1.37': { pass: 23, fail: 76 },
};

function minorOf(dir: string): number {
  return Number(/^v1\.(\d+)$/.exec(dir)![1]);
}

const cache = new Map<string, any[]>();
function load(file: string): any[] {
  let objects = cache.get(file);
  if (objects === undefined) {
    const read = readManifestFiles([file]);
    expect(read.errors).toEqual([]);
    objects = read.objects.map((o) => o.manifest);
    cache.set(file, objects);
  }
  return objects;
}

function files(dir: string, kind: 'pass' | 'fail'): string[] {
  return fs.readdirSync(path.join(ROOT, dir, kind)).sort().map((f) => path.join(ROOT, dir, kind, f));
}

/**
 * The enforce-version pins each vendored version is evaluated at: its own; the oldest also every
 * version the audit accepts below it (upstream's sets for those differ only in procMount pods the
 * oldest set holds too, see the README); the newest also `latest` and no label.
 */
function pins(dir: string): Array<string | undefined> {
  const out: Array<string | undefined> = [];
  if (dir === OLDEST) for (let m = MIN_POD_SECURITY_MINOR; m < minorOf(dir); m++) out.push(`v1.${m}`);
  out.push(dir);
  if (dir === NEWEST) out.push('latest', undefined);
  return out;
}

describe('upstream Pod Security fixtures', () => {
  test('the vendored versions reach from the oldest version the audit accepts to the newest it knows, complete', () => {
    expect(minorOf(OLDEST)).toBeGreaterThanOrEqual(MIN_POD_SECURITY_MINOR);
    expect(NEWEST).toBe(`v1.${LATEST_POD_SECURITY_MINOR}`);
    const pinned = new Set(DIRS.flatMap(pins));
    for (let m = MIN_POD_SECURITY_MINOR; m <= LATEST_POD_SECURITY_MINOR; m++) expect(pinned).toContain(`v1.${m}`);
    expect(Object.fromEntries(DIRS.map((d) => [d, { pass: files(d, 'pass').length, fail: files(d, 'fail').length }]))).toEqual(COUNTS);
  });

  test('every failing fixture exercises a control some rule claims', () => {
    const unclaimed = DIRS.flatMap((d) => files(d, 'fail')).filter((f) => pssClaim(f).ruleIds.length === 0);
    expect(unclaimed.map((f) => path.relative(ROOT, f))).toEqual([]);
    // Every passing fixture is either a base pod or exercises a known control.
    const unknown = DIRS.flatMap((d) => files(d, 'pass')).map((f) => path.basename(f))
      .filter((f) => !f.startsWith('base') && !PSS_CONTROLS.some(([re]) => re.test(f)));
    expect(unknown).toEqual([]);
  });

  for (const dir of DIRS) {
    for (const pin of pins(dir)) {
      const where = pin === undefined ? 'no enforce-version label' : `enforce-version ${pin}`;

      test(`${dir}: every pass fixture has no Pod Security finding (${where})`, () => {
        const disagreements = files(dir, 'pass').flatMap((f) =>
          podSecurityFindings(load(f), pin).map((x) => `${path.relative(ROOT, f)}: ${x.ruleId} ${x.message}`));
        expect(disagreements).toEqual([]);
      });

      test(`${dir}: every fail fixture is flagged by a rule that claims its control (${where})`, () => {
        const missed = files(dir, 'fail').filter((f) => {
          const { ruleIds } = pssClaim(f);
          return !podSecurityFindings(load(f), pin).some((x) => ruleIds.includes(x.ruleId));
        });
        expect(missed.map((f) => path.relative(ROOT, f))).toEqual([]);
      });
    }
  }

  test('a pod a newer version admits is flagged in a namespace pinned to an older one', () => {
    // The pass fixtures that changed between two vendored versions hold what the newer one relaxed.
    const changed: string[] = [];
    const admitted: string[] = [];
    for (let i = 1; i < DIRS.length; i++) {
      const [older, newer] = [DIRS[i - 1], DIRS[i]];
      for (const f of files(newer, 'pass')) {
        const before = path.join(ROOT, older, 'pass', path.basename(f));
        if (fs.existsSync(before) && fs.readFileSync(before, 'utf-8') === fs.readFileSync(f, 'utf-8')) continue;
        changed.push(path.relative(ROOT, f));
        if (podSecurityFindings(load(f), older).length === 0) admitted.push(`${path.relative(ROOT, f)} at ${older}`);
      }
    }
    expect(admitted).toEqual([]);
    expect(changed).toEqual(['v1.37/pass/sysctls1.yaml']);
  });
});
