import { mkdir, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { RoleKeyring } from '../src/crypto/keyring.ts'
import { fromBase64url, toBase64url } from '../src/encoding/base64url.ts'
import { InvalidPolicyError, NotFoundError, UsageError } from '../src/errors.ts'
import { decodeCertificate, encodeCertificate } from '../src/trust/certificate.ts'
import type { MembershipCertificate } from '../src/trust/certificate.ts'
import { verifyPolicy } from '../src/trust/policy.ts'
import type { Policy, SignedPolicy } from '../src/trust/policy.ts'
import { seedFromPem, seedToPem, signingKeyFromSeed } from '../src/trust/signing-key.ts'
import type { SigningKey } from '../src/trust/signing-key.ts'
import { formatIdentityFile, parseIdentityFile } from '../src/crypto/identity-file.ts'
import { readText, writeFileAtomic } from './key-files.ts'

/**
 * A network directory (default ./.slurp), the files `slurp init` writes:
 *
 *   network.json     public: { format, network (root public key, base64url), createdAt }
 *   policy.json      public: the root-signed policy
 *   root.key         secret (0600): the network root's Ed25519 key, PKCS #8 PEM
 *   member.key       secret (0600): this member's Ed25519 key, PKCS #8 PEM
 *   member.json      public: { publicKey, roles, notBefore, notAfter, certificate (base64url) }
 *   keys/<role>.age  secret (0600): age identity file(s) for each role held
 */
export const NETWORK_FORMAT = 'slurp-network/1'
export const DEFAULT_DIR = '.slurp'

export interface NetworkFile {
  format: typeof NETWORK_FORMAT
  network: string
  createdAt: string
}

export interface MemberFile {
  publicKey: string
  roles: string[]
  notBefore: string
  notAfter: string
  certificate: string
}

export class NetworkDir {
  constructor (readonly path: string) {}

  file (...parts: string[]): string {
    return join(this.path, ...parts)
  }

  keyFile (role: string): string {
    return this.file('keys', `${role}.age`)
  }

  async exists (): Promise<boolean> {
    return await this.holds('network.json')
  }

  async create (): Promise<void> {
    if (await this.exists()) {
      throw new UsageError(`${this.path} already holds a network; use another --dir, or remove it first (this would overwrite keys)`)
    }
    await mkdir(this.file('keys'), { recursive: true, mode: 0o700 })
  }

  async readNetwork (): Promise<{ network: NetworkFile, rootPublicKey: Uint8Array }> {
    const text = await readText(this.file('network.json'), `network (did you run "slurp init --dir ${this.path}"?)`)
    const network = parseJson(text, 'network.json') as NetworkFile
    if (network.format !== NETWORK_FORMAT || typeof network.network !== 'string') {
      throw new InvalidPolicyError(`${this.file('network.json')} is not a ${NETWORK_FORMAT} file`)
    }
    return { network, rootPublicKey: fromBase64url(network.network) }
  }

  async writeNetwork (rootPublicKey: Uint8Array): Promise<void> {
    const network: NetworkFile = { format: NETWORK_FORMAT, network: toBase64url(rootPublicKey), createdAt: new Date().toISOString() }
    await writeFileAtomic(this.file('network.json'), `${JSON.stringify(network, null, 2)}\n`)
  }

  /** The policy, verified against the network root every time it is read. */
  async readPolicy (): Promise<Policy> {
    const { rootPublicKey } = await this.readNetwork()
    return await verifyPolicy(parseJson(await readText(this.file('policy.json'), 'policy'), 'policy.json'), rootPublicKey)
  }

  async readSignedPolicy (): Promise<SignedPolicy> {
    return parseJson(await readText(this.file('policy.json'), 'policy'), 'policy.json') as SignedPolicy
  }

  async writePolicy (signed: SignedPolicy): Promise<void> {
    await writeFileAtomic(this.file('policy.json'), `${JSON.stringify(signed, null, 2)}\n`)
  }

  /** Whether this directory is the admin's: it can certify relays and members. */
  async hasRootKey (): Promise<boolean> {
    return await this.holds('root.key')
  }

  private async holds (name: string): Promise<boolean> {
    try {
      await stat(this.file(name))
      return true
    } catch {
      return false
    }
  }

  async readRootKey (): Promise<SigningKey> {
    return await signingKeyFromSeed(await this.readRootSeed())
  }

  async readRootSeed (): Promise<Uint8Array> {
    return seedFromPem(await readText(this.file('root.key'), 'network root key (only the admin who ran "slurp init" has it)'))
  }

  async writeSecretKey (name: 'root.key' | 'member.key', seed: Uint8Array): Promise<void> {
    await writeFileAtomic(this.file(name), seedToPem(seed), 0o600)
  }

  async readMemberSeed (): Promise<Uint8Array> {
    return seedFromPem(await readText(this.file('member.key'), 'member key'))
  }

  async readMember (): Promise<{ signer: SigningKey, certificate: MembershipCertificate }> {
    const signer = await signingKeyFromSeed(seedFromPem(await readText(this.file('member.key'), 'member key')))
    const member = parseJson(await readText(this.file('member.json'), 'membership'), 'member.json') as MemberFile
    const certificate = decodeCertificate(fromBase64url(member.certificate))
    return { signer, certificate }
  }

  async writeMember (certificate: MembershipCertificate): Promise<void> {
    const member: MemberFile = {
      publicKey: toBase64url(certificate.member),
      roles: [...certificate.roles],
      notBefore: new Date(certificate.notBefore).toISOString(),
      notAfter: new Date(certificate.notAfter).toISOString(),
      certificate: toBase64url(encodeCertificate(certificate))
    }
    await writeFileAtomic(this.file('member.json'), `${JSON.stringify(member, null, 2)}\n`)
  }

  async readRoleIdentities (role: string): Promise<string[]> {
    return parseIdentityFile(await readText(this.keyFile(role), `key for role "${role}"`), this.keyFile(role))
  }

  async heldRoles (): Promise<string[]> {
    try {
      return (await readdir(this.file('keys'))).filter(name => name.endsWith('.age')).map(name => name.slice(0, -4)).sort()
    } catch {
      return []
    }
  }

  /** Newest identity first: the file is what `age -d -i` reads, and every line still decrypts. */
  async writeRoleIdentities (role: string, entries: ReadonlyArray<{ identity: string, recipient: string, created: string }>): Promise<void> {
    await mkdir(this.file('keys'), { recursive: true, mode: 0o700 })
    await writeFileAtomic(this.keyFile(role), formatIdentityFile(role, entries), 0o600)
  }

  /**
   * Puts a new identity first in the role's key file, keeping every older one
   * (and its comments) below it. Returns how many identities the file now holds.
   */
  async prependRoleIdentity (role: string, entry: { identity: string, recipient: string, created: string }): Promise<number> {
    let older = ''
    try {
      older = await readText(this.keyFile(role), 'key')
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error
    }
    const text = formatIdentityFile(role, [entry]) + older
    await mkdir(this.file('keys'), { recursive: true, mode: 0o700 })
    await writeFileAtomic(this.keyFile(role), text, 0o600)
    return parseIdentityFile(text, this.keyFile(role)).length
  }

  /** Every role key held here, or only `roles` when given. */
  async keyring (roles?: readonly string[]): Promise<RoleKeyring> {
    const names = roles ?? await this.heldRoles()
    const keyring = new RoleKeyring()
    for (const role of names) {
      for (const identity of await this.readRoleIdentities(role)) await keyring.add(role, identity)
    }
    if (roles === undefined && keyring.size === 0) throw new NotFoundError(`no role keys in ${this.file('keys')}`)
    return keyring
  }
}

function parseJson (text: string, name: string): unknown {
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new InvalidPolicyError(`${name} is not valid JSON`, { cause })
  }
}
