/**
 * Internal: validation of what every workload is given — image reference, requests and limits,
 * mount paths, the workload certificate without a mesh, and bounded numbers and durations.
 */
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { validateIssuance } from './certificate';
import { fail, parseQuantity, show, validateDnsSubdomain, validateQuantity } from './validation';
import type { CertificateOptions } from '../certificate-options';
import type { Mesh } from '../mesh';
import type { WorkloadCertificate } from '../mesh/types';
import type { ResourceOptions } from '../resource-options';

const IMAGE = /^(?<repo>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/** Validates an image reference; returns its tag when it is a version tag. */
export function validateImage(scope: IConstruct, image: string, requireDigest: boolean): string | undefined {
  const m = IMAGE.exec(image ?? '');
  if (!m) {
    fail(scope, `image ${show(image)} is not a valid image reference`, 'write registry/repository:tag or registry/repository@sha256:<digest>');
  }
  const { tag, digest } = m.groups!;
  if (!tag && !digest) {
    fail(scope, `image ${show(image)} has no tag or digest`, 'pin the image with a version tag (e.g. ":1.4.2") or a digest ("@sha256:...")');
  }
  if (tag === 'latest' && !digest) {
    fail(scope, `image ${show(image)} uses the "latest" tag`, 'pin the image with a version tag (e.g. ":1.4.2") or a digest ("@sha256:...")');
  }
  if (requireDigest && !digest) {
    fail(scope, `image ${show(image)} is not pinned by digest and requireDigest is set`, 'append "@sha256:<digest>" to the image reference');
  }
  return tag && tag !== 'latest' ? tag : undefined;
}

/** Validates requests and limits (limits not below requests) and renders them. */
export function validateResources(scope: IConstruct, r: ResourceOptions) {
  const v = {
    cpuRequest: r.cpuRequest ?? '100m',
    cpuLimit: r.cpuLimit ?? '500m',
    memoryRequest: r.memoryRequest ?? '128Mi',
    memoryLimit: r.memoryLimit ?? '256Mi',
    ephemeralStorageRequest: r.ephemeralStorageRequest ?? '64Mi',
    ephemeralStorageLimit: r.ephemeralStorageLimit ?? '1Gi',
  };
  for (const [k, q] of Object.entries(v)) validateQuantity(scope, `resources.${k}`, q);
  for (const [what, req, lim] of [['cpu', v.cpuRequest, v.cpuLimit], ['memory', v.memoryRequest, v.memoryLimit], ['ephemeralStorage', v.ephemeralStorageRequest, v.ephemeralStorageLimit]]) {
    if (parseQuantity(lim)! < parseQuantity(req)!) {
      fail(scope, `resources.${what}Limit ${show(lim)} is below resources.${what}Request ${show(req)}`, `raise the limit to at least ${req} or lower the request`);
    }
  }
  return {
    requests: { 'cpu': v.cpuRequest, 'memory': v.memoryRequest, 'ephemeral-storage': v.ephemeralStorageRequest },
    limits: { 'cpu': v.cpuLimit, 'memory': v.memoryLimit, 'ephemeral-storage': v.ephemeralStorageLimit },
  };
}

/** Validates an absolute mount path. */
export function validatePath(scope: IConstruct, what: string, path: string): void {
  if (typeof path !== 'string' || !path.startsWith('/') || path.includes('..') || path === '/' || path.includes(':')) {
    fail(scope, `${what} ${show(path)} is not an absolute path`, 'mount at an absolute directory such as "/etc/app/config"');
  }
}

/** A Duration as a whole number of seconds within [min, max]; fails with the fix otherwise. */
export function wholeSeconds(scope: IConstruct, what: string, d: Duration, min: number, max: number, why: string): number {
  const ms = d.toMilliseconds();
  const s = ms / 1000;
  if (!Number.isFinite(ms) || ms % 1000 !== 0 || s < min || s > max) {
    fail(scope, `${what} of ${show(Number.isFinite(ms) && ms % 1000 === 0 ? `${s}s` : `${ms}ms`)} is out of range`, `use whole seconds from ${min}s to ${max}s: ${why}`);
  }
  return s;
}

/** An integer within [min, max]; fails with the fix otherwise. */
export function boundedInteger(scope: IConstruct, what: string, value: number, min: number, max: number, why: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(scope, `${what} ${show(value)} is out of range`, `use a whole number from ${min} to ${max}: ${why}`);
  }
  return value;
}

/**
 * The workload certificate of a namespace without a mesh (validated, with defaults); undefined with
 * a mesh (which issues workload certificates itself: `certificate` is then refused) and for a client
 * without one when `required` is false.
 */
export function validateWorkloadCertificate(
  scope: IConstruct, mesh: Mesh, namespace: string, cert: CertificateOptions | undefined, required: boolean,
): WorkloadCertificate | undefined {
  if (mesh._impl.providesMtls) {
    if (cert !== undefined) {
      fail(scope, `certificate is set but namespace ${show(namespace)} uses ${mesh.displayName}, which issues workload certificates itself`, 'remove `certificate`, or use a namespace with Mesh.none()');
    }
    return undefined;
  }
  if (!cert || !cert.issuer) {
    if (!required && cert === undefined) return undefined;
    fail(scope, `namespace ${show(namespace)} has no mesh and no certificate issuer is set`, 'name the cert-manager issuer: certificate: { issuer: CertificateIssuer.clusterIssuer("internal-ca") }');
  }
  const issuance = validateIssuance(scope, 'certificate', cert, { duration: Duration.hours(24), renewBefore: Duration.hours(8) });
  const mountPath = cert.mountPath ?? '/etc/tls';
  validatePath(scope, 'certificate.mountPath', mountPath);
  if (cert.caBundleConfigMap !== undefined) validateDnsSubdomain(scope, 'certificate.caBundleConfigMap', cert.caBundleConfigMap);
  return {
    ...issuance,
    mountPath,
    caBundleConfigMap: cert.caBundleConfigMap,
  };
}
