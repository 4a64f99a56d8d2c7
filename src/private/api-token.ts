/**
 * Internal: the short-lived, audience-bound API token a LeastPrivilegeServiceAccount projects into
 * its pods — validation of `ApiTokenOptions` and the projected volume and mount.
 */
import { IConstruct } from 'constructs';
import { fail, show, validateReason } from './validation';
import { isApiServerAudience } from '../audit/rules/sa-pod-automount';
import type { ApiTokenOptions } from '../service-account-options';

const TOKEN_VOLUME = 'sa-api-token';
const MIN_TOKEN_SECONDS = 600;
const MAX_TOKEN_SECONDS = 86400;

/** A validated API token. */
export interface ApiToken {
  readonly audience: string;
  readonly expirationSeconds: number;
  readonly mountPath: string;
  readonly path: string;
  readonly reason?: string;
}

/** Validates `options` (defaults: `defaults`); fails when the account already has a token. */
export function validateApiToken(
  scope: IConstruct, options: ApiTokenOptions, existing: ApiToken | undefined, defaults: { expirationSeconds: number; mountPath: string },
): ApiToken {
  if (existing) {
    fail(scope, `an API token for audience ${show(existing.audience)} is already configured`, 'give each workload one token; use a separate ServiceAccount for a second audience');
  }
  const audience = options.audience;
  if (typeof audience !== 'string' || audience.trim() === '' || /\s/.test(audience)) {
    fail(scope, `API token audience ${show(audience)} is empty or contains whitespace`, 'name the receiver that validates the token, e.g. "vault" or your API server\'s issuer URL');
  }
  const expirationSeconds = options.expirationSeconds ?? defaults.expirationSeconds;
  if (!Number.isInteger(expirationSeconds) || expirationSeconds < MIN_TOKEN_SECONDS || expirationSeconds > MAX_TOKEN_SECONDS) {
    fail(scope, `API token expirationSeconds ${show(expirationSeconds)} is out of range`, `use an integer from ${MIN_TOKEN_SECONDS} (the API server's minimum) to ${MAX_TOKEN_SECONDS} (one day: the kubelet refreshes the token at 80% of its lifetime, so a longer one only keeps a leaked token valid longer)`);
  }
  const mountPath = options.mountPath ?? defaults.mountPath;
  if (typeof mountPath !== 'string' || !/^\/[^:]*$/.test(mountPath) || mountPath.split('/').includes('..') || (mountPath.length > 1 && mountPath.endsWith('/'))) {
    fail(scope, `API token mountPath ${show(mountPath)} is not an absolute directory path`, 'write an absolute path without "..", ":" or a trailing "/", e.g. "/var/run/secrets/tokens"');
  }
  const path = options.path ?? 'token';
  if (typeof path !== 'string' || !/^[A-Za-z0-9._-]+$/.test(path) || path === '.' || path === '..') {
    fail(scope, `API token path ${show(path)} is not a file name`, 'write a plain file name such as "token"');
  }
  let reason: string | undefined;
  if (isApiServerAudience(audience)) {
    if (options.reason === undefined) {
      fail(scope, `an API token for the Kubernetes API server's audience ${show(audience)} is a Kubernetes API credential in every pod of this account`,
        'say why the pods call the API: apiToken: { audience, reason: "<what the workload reads or writes, and why>" } (written as the SB-SA-POD-AUTOMOUNT acknowledgement), or use the audience of another receiver such as "vault"');
    }
    reason = validateReason(scope, `an API token for audience ${show(audience)}`, options.reason);
  } else if (options.reason !== undefined) {
    fail(scope, `apiToken.reason is set but audience ${show(audience)} is not the Kubernetes API server's`, 'remove the reason: tokens for other receivers need none');
  }
  return { audience, expirationSeconds, mountPath, path, reason };
}

/** The projected token volume and its read-only mount (none without a token), as Kubernetes JSON. */
export function apiTokenVolumes(t: ApiToken | undefined): { volumes: any[]; volumeMounts: any[] } {
  return {
    volumes: t ? [{
      name: TOKEN_VOLUME,
      projected: { sources: [{ serviceAccountToken: { audience: t.audience, expirationSeconds: t.expirationSeconds, path: t.path } }] },
    }] : [],
    volumeMounts: t ? [{ name: TOKEN_VOLUME, mountPath: t.mountPath, readOnly: true }] : [],
  };
}
