/**
 * Internal: one side (base or head) of a security diff: the objects a cluster would end up with
 * (Lists expanded, the last object of each identity), each with a canonical fingerprint that
 * ignores key order, document order and file layout; and the analyses of the engines over it,
 * each computed at most once, on demand.
 */
import { AuditContext } from '../audit/context';
import { ConstructAcknowledgement, EngineInput, flattenLists, runAudit } from '../audit/engine';
import { AuditOptions, AuditResult } from '../audit/types';
import { describeManifest, effectiveObjects, expandLists, identityKey, isRecord } from '../manifest/objects';
import { RbacProof, proveRbac } from '../rbac/proof';
import { ReachabilityOptions, ReachabilityResult } from '../reachability/analyzer';

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
  /** The manifest's JSON as it is (key order included): equal text is equal content. */
  readonly text: string;
  readonly input: SideInput;
  /** Canonical JSON (keys sorted), computed when the texts of two sides differ. */
  fingerprint(): string;
}

/** JSON with the keys of every map sorted: equal for equal objects whatever their key order. */
export function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    const keys = Object.keys(x as object).filter((k) => (x as any)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((x as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(x) ?? 'null';
}

/** How a side's analyses are run. */
export interface SideAnalyses {
  /** The audit (with the construct acknowledgements in scope, for an app). */
  audit(): AuditResult;
  /** The reachability analysis. */
  reachability(): ReachabilityResult;
}

/** One side of the diff. */
export class DiffSide {
  /** Objects by key, in input order. */
  public readonly objects = new Map<string, SideObject>();
  private auditResult?: AuditResult;
  private reachabilityResult?: ReachabilityResult;
  private proof?: RbacProof;

  constructor(inputs: readonly SideInput[], private readonly options: AuditOptions,
    private readonly analyses: Partial<SideAnalyses> & { reachability(): ReachabilityResult }) {
    const flat: SideInput[] = [];
    for (const input of inputs) {
      for (const item of expandLists(input.manifest)) {
        if (!isRecord(item.manifest)) continue;
        flat.push(item.manifest === input.manifest ? input : { ...input, manifest: item.manifest });
      }
    }
    for (const input of effectiveObjects(flat, (i) => i.manifest)) {
      const manifest = input.manifest;
      let canonical: string | undefined;
      const fingerprint = () => (canonical ??= canonicalJson(manifest));
      const key = identityKey(manifest) ?? `#${fingerprint()}`;
      this.objects.set(key, {
        key,
        manifest,
        label: describeManifest(manifest),
        constructPath: input.constructPath,
        location: input.file !== undefined ? `${input.file}${input.line !== undefined ? `:${input.line}` : ''}` : undefined,
        text: JSON.stringify(manifest),
        fingerprint,
        input,
      });
    }
  }

  /** The audit of this side. */
  public audit(): AuditResult {
    if (this.auditResult === undefined) {
      this.auditResult = this.analyses.audit !== undefined
        ? this.analyses.audit()
        : runAudit([...this.objects.values()].map((o) => engineInput(o.input)), this.options);
    }
    return this.auditResult;
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
    else if (b.text !== h.text && b.fingerprint() !== h.fingerprint()) changed.push({ base: b, head: h });
  }
  for (const [key, b] of base.objects) if (!head.objects.has(key)) removed.push(b);
  return { added, removed, changed };
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
