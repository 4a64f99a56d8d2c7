/**
 * Internal: one side (base or head) of a security diff: the objects a cluster would end up with
 * (Lists expanded, the last object of each identity), each with a canonical fingerprint that
 * ignores key order, document order and file layout; and the analyses of the engines over it,
 * each computed at most once, on demand.
 */
import { AuditContext } from '../audit/context';
import { ConstructAcknowledgement, EngineInput, flattenLists, runAudit } from '../audit/engine';
import { AuditOptions, AuditResult } from '../audit/types';
import { canonicalJson, describeManifest, expandLists, identityKey, isList, isRecord } from '../manifest/objects';
import { RbacProof, proveRbac } from '../rbac/proof';
import { ReachabilityOptions, ReachabilityResult } from '../reachability/analyzer';
import { PairScope } from '../reachability/paths';

/** An object handed to one side: the manifest and where it came from. */
export interface SideInput {
  readonly manifest: any;
  /** Construct path (objects synthesized in process). */
  readonly constructPath?: string;
  /** File the object was read from, as shown to the user. */
  readonly file?: string;
  /** 1-based line in `file`. */
  readonly line?: number;
  /** Construct acknowledgements that apply to the object. */
  readonly acknowledgements?: ConstructAcknowledgement[];
}

/** One object of a side. */
export interface SideObject {
  /** Identity (group|kind|namespace|name), or `#<fingerprint>` for an object without one. */
  readonly key: string;
  readonly manifest: any;
  /** `Kind namespace/name`. */
  readonly label: string;
  readonly constructPath?: string;
  /** `file:line`, when read from a file. */
  readonly location?: string;
  readonly input: SideInput;
  /** Where it stands among the side's objects (their order in `DiffSide.objects`). */
  readonly position: number;
  /** Canonical JSON (keys sorted), computed when the texts of two sides differ. */
  fingerprint(): string;
}

export { canonicalJson };

/**
 * Whether two JSON values are equal key for key (the same keys, in any order, with equal values).
 * Stricter than equal canonical JSON (a key set to undefined on one side only counts here), so
 * "equal" is always right and "not equal" is checked again with the fingerprints.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const array = Array.isArray(a);
  if (array !== Array.isArray(b)) return false;
  if (array) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameJson(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // for-in without a key list per object; a key `y` only inherits reads undefined, a function (never
  // equal to JSON) or, for `__proto__`, an object: those are checked to be own keys.
  let count = 0;
  for (const k in x) {
    const v = y[k];
    if ((v === undefined || k === '__proto__') && !Object.prototype.hasOwnProperty.call(y, k)) return false;
    if (!sameJson(x[k], v)) return false;
    count++;
  }
  for (const k in y) if (k !== undefined) count--;
  return count === 0;
}

/** A SideObject whose label and fingerprint are worked out when asked for. */
class LazySideObject implements SideObject {
  public readonly key: string;
  public readonly manifest: any;
  public readonly constructPath?: string;
  public readonly location?: string;
  private canonical?: string;
  private description?: string;

  constructor(public readonly input: SideInput, key: string | undefined, public position: number) {
    this.manifest = input.manifest;
    this.constructPath = input.constructPath;
    this.location = input.file !== undefined ? `${input.file}${input.line !== undefined ? `:${input.line}` : ''}` : undefined;
    this.key = key ?? `#${this.fingerprint()}`;
  }

  public get label(): string {
    return (this.description ??= describeManifest(this.manifest));
  }

  public fingerprint(): string {
    return (this.canonical ??= canonicalJson(this.manifest));
  }
}

/** How a side's analyses are run. */
export interface SideAnalyses {
  /** The audit (with the construct acknowledgements in scope, for an app). */
  audit(): AuditResult;
  /** The reachability analysis. */
  reachability(): ReachabilityResult;
  /**
   * The reachability analysis of some of the side's manifests, with the side's options (only for
   * sides whose analysis reads nothing but the manifests, not an app's constructs).
   */
  reachabilityOf(manifests: any[], pairs?: PairScope): ReachabilityResult;
}

/** One side of the diff. */
export class DiffSide {
  /** Objects by key, in input order. */
  public readonly objects = new Map<string, SideObject>();
  /**
   * The earlier copies of each repeated identity, in input order (`objects` holds the last, which
   * kubectl apply keeps; Helm and kubectl create keep the first). The audit judges them too.
   */
  public readonly shadowed = new Map<string, SideInput[]>();
  /** Every input with a manifest, Lists expanded, in input order (repeated identities included). */
  private readonly inputs: SideInput[];
  private auditResult?: AuditResult;
  private reachabilityResult?: ReachabilityResult;
  private proof?: RbacProof;

  constructor(inputs: readonly SideInput[], public readonly options: AuditOptions,
    private readonly analyses: Partial<SideAnalyses> & { reachability(): ReachabilityResult }) {
    const flat: SideInput[] = [];
    for (const input of inputs) {
      if (!isList(input.manifest)) {
        if (isRecord(input.manifest)) flat.push(input);
        continue;
      }
      for (const item of expandLists(input.manifest)) {
        if (!isRecord(item.manifest)) continue;
        flat.push(item.manifest === input.manifest ? input : { ...input, manifest: item.manifest });
      }
    }
    // The last object of each identity counts, where it stands (as effectiveObjects keeps it): a
    // repeated identity is deleted and set again, so the map's order is that of last occurrences.
    let position = 0;
    this.inputs = flat;
    for (const input of flat) {
      const k = identityKey(input.manifest);
      if (k !== undefined) {
        const earlier = this.objects.get(k);
        if (earlier !== undefined) {
          this.shadowed.set(k, [...(this.shadowed.get(k) ?? []), earlier.input]);
          this.objects.delete(k);
        }
        this.objects.set(k, new LazySideObject(input, k, position++));
        continue;
      }
      const o = new LazySideObject(input, undefined, position++);
      const prev = this.objects.get(o.key);
      if (prev !== undefined) o.position = prev.position;
      this.objects.set(o.key, o);
    }
  }

  /** The audit of this side. */
  public audit(): AuditResult {
    if (this.auditResult === undefined) {
      this.auditResult = this.analyses.audit !== undefined
        ? this.analyses.audit()
        : runAudit((this.shadowed.size > 0 ? this.inputs : [...this.objects.values()].map((o) => o.input)).map(engineInput), this.options);
    }
    return this.auditResult;
  }

  /** Some objects of this side, in the side's order. */
  public inOrder(objects: Iterable<SideObject>): SideObject[] {
    return [...objects].sort((a, b) => a.position - b.position);
  }

  /**
   * Whether the audit is the engine's over the objects alone (not an app's SecurityAudit) and no
   * identity repeats, so it can run over some of them.
   */
  public get auditsObjects(): boolean {
    return this.analyses.audit === undefined && this.shadowed.size === 0;
  }

  /** The canonical JSON of the earlier copies of an identity ('' when it does not repeat). */
  public shadowedFingerprint(key: string): string {
    return (this.shadowed.get(key) ?? []).map((i) => canonicalJson(i.manifest)).join('\n');
  }

  /** The audit of some objects of this side (in this side's order), with this side's options. */
  public auditOf(objects: readonly SideObject[]): AuditResult {
    return runAudit(objects.map((o) => engineInput(o.input)), this.options);
  }

  /** Whether the reachability analysis reads the manifests alone (so it can run over some of them). */
  public get analyzesManifests(): boolean {
    return this.analyses.reachabilityOf !== undefined;
  }

  /** The reachability analysis of some manifests of this side, or undefined when it needs the whole app (see `SideAnalyses`). */
  public reachabilityOf(manifests: any[], pairs?: PairScope): ReachabilityResult | undefined {
    return this.analyses.reachabilityOf?.(manifests, pairs);
  }

  /** The reachability analysis of this side. */
  public reachability(): ReachabilityResult {
    if (this.reachabilityResult === undefined) this.reachabilityResult = this.analyses.reachability();
    return this.reachabilityResult;
  }

  /** The RBAC proof of this side. */
  public rbac(): RbacProof {
    if (this.proof === undefined) this.proof = proveRbac(contextOf([...this.objects.values()], this.options));
    return this.proof;
  }

  /** The manifests of this side, in input order. */
  public manifests(): any[] {
    return [...this.objects.values()].map((o) => o.manifest);
  }
}

function engineInput(i: SideInput): EngineInput {
  return { manifest: i.manifest, constructPath: i.constructPath, file: i.file, acknowledgements: i.acknowledgements };
}

/** The audit's indexed view (pods, containers) of some objects of a side. */
export function contextOf(objects: readonly SideObject[], options: AuditOptions = {}): AuditContext {
  return new AuditContext(flattenLists(objects.map((o) => engineInput(o.input))), options);
}

/** How often the incremental diff scoped each analysis, and how often it ran it in full (for the tests). */
export const incrementalStats = { auditScoped: 0, auditFull: 0, reachabilityScoped: 0, reachabilityFull: 0 };

/** Internal options of `diffSides` (security-diff.ts). */
export interface DiffSidesOptions {
  /**
   * Whether the audit and the reachability analysis run only over what a change can touch
   * (scope-audit.ts, scope-reachability.ts) instead of over both sides in full. The items are the
   * same either way (test/diff/incremental.test.ts); full is the reference.
   * @default true
   */
  readonly incremental?: boolean;
}

/** The objects that differ between two sides. */
export interface ChangeSet {
  /** Keys only in the head. */
  readonly added: SideObject[];
  /** Keys only in the base. */
  readonly removed: SideObject[];
  /** Keys in both whose content differs: [base, head]. */
  readonly changed: Array<{ readonly base: SideObject; readonly head: SideObject }>;
}

/** What differs, by identity and canonical content. */
export function changesBetween(base: DiffSide, head: DiffSide): ChangeSet {
  const added: SideObject[] = [];
  const removed: SideObject[] = [];
  const changed: Array<{ base: SideObject; head: SideObject }> = [];
  for (const [key, h] of head.objects) {
    const b = base.objects.get(key);
    if (b === undefined) added.push(h);
    else if (!sameContent(b, h) || shadowingDiffers(base, head, key)) changed.push({ base: b, head: h });
  }
  for (const [key, b] of base.objects) if (!head.objects.has(key)) removed.push(b);
  return { added, removed, changed };
}

function sameContent(b: SideObject, h: SideObject): boolean {
  return sameJson(b.manifest, h.manifest) || b.fingerprint() === h.fingerprint();
}

/** Whether the earlier copies of a repeated identity differ between the sides (the audit judges them: see `DiffSide.shadowed`). */
function shadowingDiffers(base: DiffSide, head: DiffSide, key: string): boolean {
  if (!base.shadowed.has(key) && !head.shadowed.has(key)) return false;
  return base.shadowedFingerprint(key) !== head.shadowedFingerprint(key);
}

/** Whether nothing changed. */
export function isEmptyChange(c: ChangeSet): boolean {
  return c.added.length === 0 && c.removed.length === 0 && c.changed.length === 0;
}

/** Every object of a change set on one side: the head's (added, changed) or the base's (removed, changed). */
export function sideObjects(c: ChangeSet, side: 'base' | 'head'): SideObject[] {
  return side === 'head' ? [...c.added, ...c.changed.map((x) => x.head)] : [...c.removed, ...c.changed.map((x) => x.base)];
}

/** Sorted, de-duplicated strings. */
export function uniqueSorted(xs: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(xs.filter((x): x is string => x !== undefined && x !== ''))].sort();
}

/** Where a set of objects is: their construct paths and locations. */
export function provenance(objs: ReadonlyArray<SideObject | undefined>): { objects: string[]; constructPaths: string[]; locations: string[] } {
  const present = objs.filter((o): o is SideObject => o !== undefined);
  return {
    objects: uniqueSorted(present.map((o) => o.label)),
    constructPaths: uniqueSorted(present.map((o) => o.constructPath)),
    locations: [...new Set(present.map((o) => o.location).filter((l): l is string => l !== undefined))],
  };
}

/** Reachability options pass-through type (for the facade). */
export type SideReachabilityOptions = ReachabilityOptions;
