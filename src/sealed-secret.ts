import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { registerAppChecks } from './private/app-checks';
import { fail, show, validateDnsSubdomain } from './private/validation';
import { SecureNamespace } from './secure-namespace';
import { SecretMountOptions } from './workload-volumes';

/** Where a sealed value may be unsealed: it must match how it was sealed (`kubeseal --scope`). */
export enum SealedSecretScope {
  /** Only as this exact Secret name in this namespace. The default, and kubeseal's default. */
  STRICT = 'strict',
  /** As any Secret name in this namespace (`kubeseal --scope namespace-wide`). */
  NAMESPACE_WIDE = 'namespace-wide',
}

/** Props of a SealedSecretReference. */
export interface SealedSecretReferenceProps {
  /** The name of the SealedSecret and of the Secret the controller unseals it to. */
  readonly name: string;
  /**
   * The sealed values, key → base64 ciphertext exactly as `kubeseal` printed it. Plaintext is
   * refused: each value must decode to kubeseal's hybrid (RSA-OAEP + AES-GCM) ciphertext.
   */
  readonly encryptedData: { [key: string]: string };
  /**
   * The scope the values were sealed with.
   * @default SealedSecretScope.STRICT
   */
  readonly scope?: SealedSecretScope;
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** RSA-OAEP ciphertext lengths of 2048, 3072 and 4096-bit keys. */
const RSA_CIPHERTEXT_LENGTHS = [256, 384, 512];
const GCM_TAG_LENGTH = 16;

/**
 * An already-encrypted Secret: a Bitnami Sealed Secrets `SealedSecret` (`bitnami.com/v1alpha1`)
 * in its SecureNamespace, which only the in-cluster controller can decrypt into the Secret
 * `secretName`. Seal values with `kubeseal`; the library refuses anything that is not kubeseal
 * ciphertext, so a plaintext value never lands in the manifests.
 *
 * @example
 * const creds = new SealedSecretReference(ns, 'Creds', {
 *   name: 'smtp-credentials',
 *   encryptedData: { password: 'AgB4...' }, // kubeseal --raw --name smtp-credentials --namespace shop
 * });
 */
export class SealedSecretReference extends Construct {
  /**
   * Whether `value` is shaped like kubeseal ciphertext: base64 of a 2-byte big-endian length of
   * an RSA-OAEP block (256, 384 or 512 bytes), that block, then an AES-GCM ciphertext (at least
   * its 16-byte tag).
   */
  public static looksSealed(value: string): boolean {
    if (typeof value !== 'string' || value.length < 8 || !BASE64.test(value)) return false;
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length < 2) return false;
    const rsaLength = bytes.readUInt16BE(0);
    return RSA_CIPHERTEXT_LENGTHS.includes(rsaLength) && bytes.length >= 2 + rsaLength + GCM_TAG_LENGTH;
  }

  /** The name of the SealedSecret. */
  public readonly name: string;
  /** The name of the Secret that the controller writes (what workloads mount). */
  public readonly secretName: string;
  /** The namespace of the SealedSecret and its Secret. */
  public readonly namespaceName: string;
  /** The SealedSecret object. */
  public readonly sealedSecret: ApiObject;

  constructor(scope: Construct, id: string, props: SealedSecretReferenceProps) {
    super(scope, id);
    registerAppChecks(this);
    this.namespaceName = SecureNamespace.of(this).name;
    this.name = validateDnsSubdomain(this, 'name', props.name);
    this.secretName = this.name;
    const sealScope = props.scope ?? SealedSecretScope.STRICT;
    if (!Object.values(SealedSecretScope).includes(sealScope)) {
      fail(this, `scope ${show(sealScope)} is not supported`, 'use SealedSecretScope.STRICT or SealedSecretScope.NAMESPACE_WIDE; cluster-wide sealing lets anyone who copies the ciphertext unseal it in any namespace');
    }
    const entries = Object.entries(props.encryptedData ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) {
      fail(this, 'encryptedData is empty', 'give at least one key sealed with kubeseal');
    }
    for (const [key, value] of entries) {
      if (key.length > 253 || !SECRET_KEY.test(key)) {
        fail(this, `encryptedData key ${show(key)} is not a valid Secret key`, "use at most 253 letters, digits, '-', '_' and '.'");
      }
      if (!SealedSecretReference.looksSealed(value)) {
        // Never echo the value: it may be a plaintext secret.
        fail(this, `encryptedData[${show(key)}] is not kubeseal ciphertext (value not shown)`, `seal it first, e.g. \`echo -n "$VALUE" | kubeseal --raw --namespace ${this.namespaceName} --name ${this.name}${sealScope === SealedSecretScope.STRICT ? '' : ` --scope ${sealScope}`}\`, and paste the output; plaintext or merely base64-encoded values must never be committed`);
      }
    }
    const annotations = sealScope === SealedSecretScope.NAMESPACE_WIDE ? { 'sealedsecrets.bitnami.com/namespace-wide': 'true' } : undefined;
    this.sealedSecret = new ApiObject(this, 'Resource', {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: this.name, namespace: this.namespaceName, ...(annotations ? { annotations } : {}) },
      spec: {
        encryptedData: Object.fromEntries(entries),
        template: {
          metadata: { name: this.name, namespace: this.namespaceName, ...(annotations ? { annotations } : {}) },
          type: 'Opaque',
        },
      },
    });
  }

  /** Mounts the Secret as read-only files at `mountPath` (for `MtlsService`'s `secretMounts`). */
  public secretMount(mountPath: string): SecretMountOptions {
    return { secretName: this.secretName, mountPath };
  }
}
