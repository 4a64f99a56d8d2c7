/**
 * Internal: data changes — encryption of StorageClasses and of the claims that use them,
 * retention (reclaim and deletion policies, backup TTLs), Velero backup schedules changed or
 * dropped, and images that lost their digest or moved to another registry.
 */
import { ItemSpec } from './items';
import { ChangeSet, DiffSide, SideObject } from './side';
import { DiffCategory, DiffChange, DiffSeverity } from './types';
import { findPodSpecs, groupOf } from '../manifest/objects';

const rec = (x: any): any => (x !== null && typeof x === 'object' && !Array.isArray(x) ? x : {});
const is = (o: SideObject, group: string, kind: string) => groupOf(o.manifest.apiVersion) === group && o.manifest.kind === kind;

function item(change: DiffChange, severity: DiffSeverity, subject: string, message: string, objs: Array<SideObject | undefined>,
  before?: string, after?: string): ItemSpec {
  const weakens = change === DiffChange.DATA_WEAKENED || change === DiffChange.IMAGE_DIGEST_DROPPED || change === DiffChange.IMAGE_REGISTRY_CHANGED;
  return { category: DiffCategory.DATA, change, severity, weakens, subject, message, before, after, objects: objs };
}

/** How a StorageClass encrypts: `encrypted (KMS key ...)`, `encrypted`, or `not encrypted`. */
function encryptionOf(sc: SideObject | undefined): string {
  if (sc === undefined) return 'unknown (StorageClass not in the manifests)';
  const p = rec(sc.manifest.parameters);
  const on = String(p.encrypted ?? p['csi.storage.k8s.io/encrypted'] ?? rec(sc.manifest.metadata?.labels)['cdk8s-secure-baseline.io/encrypted'] ?? '').toLowerCase() === 'true'
    || p.kmsKeyId !== undefined || p['disk-encryption-set-id'] !== undefined || p['disk-encryption-kms-key'] !== undefined || p.diskEncryptionSetID !== undefined;
  const key = p.kmsKeyId ?? p['disk-encryption-kms-key'] ?? p.diskEncryptionSetID ?? p['disk-encryption-set-id'];
  return on ? (key !== undefined ? `encrypted with key ${key}` : 'encrypted') : 'not encrypted';
}

/** Hours of a Go duration (`720h`, `1h30m`, `90m`), or undefined. */
export function durationHours(d: unknown): number | undefined {
  if (typeof d !== 'string') return undefined;
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(d.trim());
  if (!m || d.trim() === '') return undefined;
  return Number(m[1] ?? 0) + Number(m[2] ?? 0) / 60 + Number(m[3] ?? 0) / 3600;
}

/** The registry of an image reference (`docker.io` when it names none). */
export function registryOf(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

function imagesOf(o: SideObject): Map<string, string> {
  const out = new Map<string, string>();
  for (const loc of findPodSpecs(o.manifest)) {
    for (const type of ['initContainers', 'containers', 'ephemeralContainers']) {
      for (const c of Array.isArray(loc.spec[type]) ? loc.spec[type] : []) {
        if (typeof rec(c).image === 'string') out.set(`${type === 'containers' ? 'container' : type === 'initContainers' ? 'init container' : 'ephemeral container'} "${c.name}"`, c.image);
      }
    }
  }
  return out;
}

function storageClasses(side: DiffSide, name: unknown): SideObject | undefined {
  return typeof name === 'string' ? side.objects.get(`storage.k8s.io|StorageClass||${name}`) : undefined;
}

/** Data items of a change. */
export function dataItems(base: DiffSide, head: DiffSide, c: ChangeSet): ItemSpec[] {
  const out: ItemSpec[] = [];
  for (const { base: b, head: h } of c.changed) {
    const label = h.label;
    if (is(h, 'storage.k8s.io', 'StorageClass')) {
      const eb = encryptionOf(b);
      const eh = encryptionOf(h);
      if (eb !== eh) {
        const weaker = eh === 'not encrypted' || (eb.startsWith('encrypted with key') && !eh.startsWith('encrypted with key'));
        out.push(item(weaker ? DiffChange.DATA_WEAKENED : eb === 'not encrypted' ? DiffChange.DATA_STRENGTHENED : DiffChange.DATA_CHANGED,
          weaker ? DiffSeverity.HIGH : eb === 'not encrypted' ? DiffSeverity.INFO : DiffSeverity.LOW, label, `${label}: ${eb} → ${eh}`, [h, b], eb, eh));
      }
      const rb = b.manifest.reclaimPolicy ?? 'Delete';
      const rh = h.manifest.reclaimPolicy ?? 'Delete';
      if (rb !== rh) {
        const weaker = rh === 'Delete';
        out.push(item(weaker ? DiffChange.DATA_WEAKENED : DiffChange.DATA_STRENGTHENED, weaker ? DiffSeverity.MEDIUM : DiffSeverity.INFO, label,
          `${label}: reclaimPolicy ${rb} → ${rh}${weaker ? ' (volumes are deleted with their claims)' : ''}`, [h, b], rb, rh));
      }
    } else if (is(h, '', 'PersistentVolumeClaim')) {
      const sb = b.manifest.spec?.storageClassName;
      const sh = h.manifest.spec?.storageClassName;
      if (sb !== sh) {
        const eb = encryptionOf(storageClasses(base, sb));
        const eh = encryptionOf(storageClasses(head, sh));
        const weaker = eb.startsWith('encrypted') && !eh.startsWith('encrypted');
        out.push(item(weaker ? DiffChange.DATA_WEAKENED : DiffChange.DATA_CHANGED, weaker ? DiffSeverity.HIGH : DiffSeverity.LOW, label,
          `${label}: storage class ${sb ?? 'default'} (${eb}) → ${sh ?? 'default'} (${eh})`, [h, b, storageClasses(head, sh), storageClasses(base, sb)], String(sb ?? 'default'), String(sh ?? 'default')));
      }
    } else if (is(h, 'velero.io', 'Schedule')) {
      const sb = b.manifest.spec?.schedule;
      const sh = h.manifest.spec?.schedule;
      if (sb !== sh) out.push(item(DiffChange.DATA_CHANGED, DiffSeverity.LOW, label, `${label}: backup schedule ${sb} → ${sh}`, [h, b], String(sb), String(sh)));
      const tb = b.manifest.spec?.template?.ttl;
      const th = h.manifest.spec?.template?.ttl;
      const hb = durationHours(tb) ?? 720;
      const hh = durationHours(th) ?? 720;
      if (hb !== hh) {
        out.push(item(hh < hb ? DiffChange.DATA_WEAKENED : DiffChange.DATA_STRENGTHENED, hh < hb ? DiffSeverity.MEDIUM : DiffSeverity.INFO, label,
          `${label}: backups kept ${tb ?? '720h (default)'} → ${th ?? '720h (default)'}`, [h, b], String(tb ?? '720h'), String(th ?? '720h')));
      }
    } else if (is(h, 'snapshot.storage.k8s.io', 'VolumeSnapshotClass') && b.manifest.deletionPolicy !== h.manifest.deletionPolicy) {
      const weaker = h.manifest.deletionPolicy === 'Delete';
      out.push(item(weaker ? DiffChange.DATA_WEAKENED : DiffChange.DATA_STRENGTHENED, weaker ? DiffSeverity.MEDIUM : DiffSeverity.INFO, label,
        `${label}: deletionPolicy ${b.manifest.deletionPolicy} → ${h.manifest.deletionPolicy}`, [h, b], String(b.manifest.deletionPolicy), String(h.manifest.deletionPolicy)));
    }
    const ib = imagesOf(b);
    for (const [container, image] of imagesOf(h)) {
      const old = ib.get(container);
      if (old === undefined || old === image) continue;
      if (old.includes('@sha256:') && !image.includes('@sha256:')) {
        out.push(item(DiffChange.IMAGE_DIGEST_DROPPED, DiffSeverity.MEDIUM, `${label} ${container}`,
          `${label} ${container}: image no longer pinned by digest (${old} → ${image})`, [h, b], old, image));
      }
      if (registryOf(old) !== registryOf(image)) {
        out.push(item(DiffChange.IMAGE_REGISTRY_CHANGED, DiffSeverity.MEDIUM, `${label} ${container}`,
          `${label} ${container}: image registry ${registryOf(old)} → ${registryOf(image)} (${image})`, [h, b], old, image));
      }
    }
  }
  for (const b of c.removed) {
    if (is(b, 'velero.io', 'Schedule')) {
      out.push(item(DiffChange.DATA_WEAKENED, DiffSeverity.HIGH, b.label, `${b.label} dropped: no more backups on ${b.manifest.spec?.schedule} of ${JSON.stringify(b.manifest.spec?.template?.includedNamespaces ?? ['*'])}`, [b], String(b.manifest.spec?.schedule)));
    } else if (is(b, 'storage.k8s.io', 'StorageClass') && encryptionOf(b) !== 'not encrypted') {
      out.push(item(DiffChange.DATA_WEAKENED, DiffSeverity.MEDIUM, b.label, `${b.label} (${encryptionOf(b)}) dropped`, [b], encryptionOf(b)));
    }
  }
  for (const h of c.added) {
    if (is(h, 'velero.io', 'Schedule')) {
      out.push(item(DiffChange.DATA_STRENGTHENED, DiffSeverity.INFO, h.label, `${h.label} added: backups on ${h.manifest.spec?.schedule}`, [h], undefined, String(h.manifest.spec?.schedule)));
    }
  }
  return out;
}
