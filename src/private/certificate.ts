/**
 * Internal: cert-manager `Certificate`s (cert-manager.io/v1), the one way this library asks for a
 * certificate: the workload certificates of namespaces without a mesh (`MtlsService`
 * `certificate`) and the serving certificates of a `SecureGateway`'s HTTPS listeners. Validates
 * issuer, lifetime and renewal, and renders the spec: ECDSA P-256, a new key on every renewal
 * (`rotationPolicy: Always`), renewed `renewBefore` ahead of expiry.
 */
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail, goDuration, show, validateDnsSubdomain } from './validation';
import type { CertificateIssuer } from '../certificate-options';

/** A validated issuer and lifetime. */
export interface CertificateIssuance {
  readonly issuerRef: { name: string; kind: string; group: string };
  /** Go duration, e.g. `24h`. */
  readonly duration: string;
  /** Go duration, shorter than `duration`. */
  readonly renewBefore: string;
}

/**
 * Validates the issuer and lifetime of a certificate (`what` names the options in errors, e.g.
 * "certificate"); `defaults` apply when duration or renewBefore are not given.
 */
export function validateIssuance(
  scope: IConstruct, what: string,
  options: { issuer?: CertificateIssuer; duration?: Duration; renewBefore?: Duration },
  defaults: { duration: Duration; renewBefore: Duration },
): CertificateIssuance {
  if (!options.issuer) {
    fail(scope, `${what} has no issuer`, `name the cert-manager issuer: ${what}: { issuer: CertificateIssuer.clusterIssuer("letsencrypt") }`);
  }
  validateDnsSubdomain(scope, `${what} issuer name`, options.issuer.name);
  const duration = options.duration ?? defaults.duration;
  const renewBefore = options.renewBefore ?? defaults.renewBefore;
  const durationText = goDuration(duration);
  const renewText = goDuration(renewBefore);
  for (const [field, d, text] of [['duration', duration, durationText], ['renewBefore', renewBefore, renewText]] as const) {
    if (text === undefined) {
      fail(scope, `${what} ${field} of ${show(d.toMilliseconds())} ms is not a positive whole number of seconds`, 'use Duration.hours(), Duration.minutes() or Duration.seconds()');
    }
  }
  if (duration.toSeconds() < 3600) {
    fail(scope, `${what} duration ${show(durationText)} is shorter than one hour`, 'cert-manager requires a duration of at least 1h');
  }
  if (renewBefore.toSeconds() <= 0 || renewBefore.toSeconds() >= duration.toSeconds()) {
    fail(scope, `${what} renewBefore ${show(renewText)} is not shorter than duration ${show(durationText)}`, 'renew before expiry: choose renewBefore below duration (e.g. a third of it)');
  }
  return {
    issuerRef: { name: options.issuer.name, kind: options.issuer.kind, group: options.issuer.group },
    duration: durationText!,
    renewBefore: renewText!,
  };
}

/** The spec of a Certificate: ECDSA P-256, rotated with a new key on every renewal. */
export function certificateSpec(issuance: CertificateIssuance, secretName: string, dnsNames: string[], usages: string[]): Record<string, any> {
  return {
    secretName,
    dnsNames,
    duration: issuance.duration,
    renewBefore: issuance.renewBefore,
    privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    usages,
    issuerRef: { ...issuance.issuerRef },
  };
}
