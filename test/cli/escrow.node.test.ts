import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAge } from '../helpers/age-cli.ts'
import { runCli } from '../../relay/run-cli.ts'
import type { CommandIO } from '../../relay/command.ts'
import { parseIdentityFile } from '../../src/crypto/identity-file.ts'
import { memberIdentity } from '../../src/crypto/member-recipient.ts'
import { fromBase64url, toBase64url } from '../../src/encoding/base64url.ts'
import { parseShare } from '../../src/escrow/share.ts'
import { parseInvite } from '../../src/invite/invite.ts'
import { seedFromPem, seedToPem, signingKeyFromSeed } from '../../src/trust/signing-key.ts'

interface Run { code: number, stdout: Buffer, stderr: string, json (): any }

/** The CLI in this process: the same runCli the `slurp` binary calls, with captured streams. */
async function slurp (args: string[], input: Uint8Array | string = ''): Promise<Run> {
  const out: Buffer[] = []
  let stderr = ''
  const io: CommandIO = {
    readStdin: async () => typeof input === 'string' ? new TextEncoder().encode(input) : input,
    stdout: data => { out.push(Buffer.from(data)) },
    stderr: text => { stderr += text },
    env: {}
  }
  const code = await runCli(args, io)
  const stdout = Buffer.concat(out)
  return { code, stdout, stderr, json: () => JSON.parse(stdout.toString()) }
}

async function exists (path: string): Promise<boolean> {
  return await stat(path).then(() => true, () => false)
}

let base: string
let net: string
/** Custodians: the admin (member key in net/), Alice (a member from an invite, her own dir), Carol (a plain age key). */
let admin: string
let alice: { dir: string, publicKey: string }
let carol: { identityFile: string, recipient: string }

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-escrow-'))
  net = join(base, 'net')
  expect((await slurp(['init', '--dir', net])).code).toBe(0)
  admin = JSON.parse(await readFile(join(net, 'member.json'), 'utf8')).publicKey

  const invite = parseInvite((await slurp(['invite', '--dir', net, '--roles', 'observer'])).stdout.toString())
  const seed = fromBase64url(invite.member.key)
  alice = { dir: join(base, 'alice'), publicKey: toBase64url((await signingKeyFromSeed(seed)).publicKey) }
  await mkdir(alice.dir)
  await writeFile(join(alice.dir, 'member.key'), seedToPem(seed), { mode: 0o600 })

  const keygen = (await slurp(['keygen'])).stdout.toString()
  carol = { identityFile: join(base, 'carol.key'), recipient: /# public key: (age1\S+)/.exec(keygen)?.[1] ?? '' }
  await writeFile(carol.identityFile, keygen, { mode: 0o600 })
}, 60_000)
afterAll(async () => { await rm(base, { recursive: true, force: true }) })

describe('slurp escrow', () => {
  it('splits a role key, each custodian opens their share, T of them rebuild it and it reads the role\'s content', async () => {
    const role = 'devops_engineer'
    const secret = 'the staging relay restarts at 02:00\n'
    const ciphertext = new Uint8Array((await slurp(['encrypt', '--dir', net, '--as', role], secret)).stdout)
    const out = join(base, 'role-shares')
    const split = await slurp(['escrow', 'split', '--dir', net, '--role', role, '--threshold', '2', '--custodians', `${admin},${alice.publicKey},${carol.recipient}`, '--out', out])
    expect(split.stderr).toBe('')
    expect(split.code).toBe(0)
    const written = split.json()
    const policy = JSON.parse(await readFile(join(net, 'policy.json'), 'utf8')).policy
    expect(written).toMatchObject({ subject: `role:${role}`, publicKey: policy.roles[role].recipient, threshold: 2, shares: 3 })
    const files: string[] = written.files.map((f: { file: string }) => f.file)
    expect(files.map(file => basename(file))).toEqual([
      `role-${role}-share-1-of-3-member-${admin.slice(0, 8)}.age`,
      `role-${role}-share-2-of-3-member-${alice.publicKey.slice(0, 8)}.age`,
      `role-${role}-share-3-of-3-${carol.recipient.slice(0, 12)}.age`
    ])
    for (const file of files) {
      expect((await stat(file)).mode & 0o777).toBe(0o600)
      expect(await readFile(file, 'utf8')).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n/)
    }
    const [adminFile, aliceFile, carolFile] = files as [string, string, string]

    // Each custodian opens their own share: the admin and Alice with their member keys, Carol with her identity file.
    const adminShare = await slurp(['escrow', 'open', adminFile, '--dir', net])
    expect(adminShare.code).toBe(0)
    expect(parseShare(adminShare.stdout.toString())).toMatchObject({ format: 'slurp-escrow-share/1', subject: `role:${role}`, index: 1, threshold: 2, shares: 3, custodian: admin })
    const aliceJson = join(base, 'alice-share.json')
    expect((await slurp(['escrow', 'open', aliceFile, '--dir', alice.dir, '--out', aliceJson])).code).toBe(0)
    expect((await stat(aliceJson)).mode & 0o777).toBe(0o600)
    const carolShare = await slurp(['escrow', 'open', carolFile, '-i', carol.identityFile])
    expect(parseShare(carolShare.stdout.toString()).index).toBe(3)
    // Nobody opens someone else's share.
    const denied = await slurp(['escrow', 'open', adminFile, '--dir', alice.dir])
    expect(denied.code).toBe(4)
    expect(denied.stderr).toMatch(/AccessDeniedError: this share is for another custodian/)
    const adminJson = join(base, 'admin-share.json')
    await writeFile(adminJson, adminShare.stdout, { mode: 0o600 })

    // One share is not enough: exit 5, a clear message, no file.
    const rebuilt = join(base, `${role}.rebuilt.age`)
    const one = await slurp(['escrow', 'combine', aliceJson, '--dir', net, '--out', rebuilt])
    expect(one.code).toBe(5)
    expect(one.stderr).toMatch(/NotEnoughSharesError: 1 share given, but this split \(role:devops_engineer\) needs 2 of its 3 to rebuild the key/)
    expect(await exists(rebuilt)).toBe(false)

    // A damaged share: exit 5, no file.
    const damaged = parseShare(await readFile(adminJson, 'utf8'))
    const bytes = fromBase64url(damaged.share)
    bytes[5] = (bytes[5] as number) ^ 0x40
    const damagedJson = join(base, 'damaged.json')
    await writeFile(damagedJson, JSON.stringify({ ...damaged, share: toBase64url(bytes) }))
    const bad = await slurp(['escrow', 'combine', damagedJson, aliceJson, '--dir', net, '--out', rebuilt])
    expect(bad.code).toBe(5)
    expect(bad.stderr).toMatch(/EscrowVerificationError/)
    expect(await exists(rebuilt)).toBe(false)

    // Two good shares: verified against the policy, written as an age identity file (0600).
    const combined = await slurp(['escrow', 'combine', adminJson, aliceJson, '--dir', net, '--out', rebuilt])
    expect(combined.stderr).toBe('')
    expect(combined.code).toBe(0)
    expect(combined.json()).toMatchObject({ subject: `role:${role}`, recipient: policy.roles[role].recipient, file: rebuilt, shares: 2 })
    expect((await stat(rebuilt)).mode & 0o777).toBe(0o600)
    const original = parseIdentityFile(await readFile(join(net, 'keys', `${role}.age`), 'utf8'), 'original')
    expect(parseIdentityFile(await readFile(rebuilt, 'utf8'), 'rebuilt')).toEqual([original[0]])
    // The real age CLI reads it, and opens what was encrypted to the role's recipient.
    const toRole = await runAge(['-r', policy.roles[role].recipient], new TextEncoder().encode(secret))
    expect(Buffer.from(await runAge(['-d', '-i', rebuilt], toRole)).toString()).toBe(secret)

    // Never overwrites.
    const before = await readFile(rebuilt, 'utf8')
    const again = await slurp(['escrow', 'combine', adminJson, aliceJson, '--dir', net, '--out', rebuilt])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/exists; escrow never overwrites/)
    expect(await readFile(rebuilt, 'utf8')).toBe(before)

    // Recovery where the key was lost: combine straight from encrypted shares (the caller holds
    // Alice's member key and Carol's identity) into keys/ROLE.age, and the role reads its content again.
    const lost = join(base, 'lost')
    await cp(net, lost, { recursive: true })
    await rm(join(lost, 'keys', `${role}.age`))
    expect((await slurp(['decrypt', '--dir', lost, '--role', role], toRole)).code).not.toBe(0)
    const recovered = await slurp(['escrow', 'combine', aliceFile, carolFile, '--dir', lost, '-i', join(alice.dir, 'member.key'), '-i', carol.identityFile])
    expect(recovered.stderr).toBe('')
    expect(recovered.json().file).toBe(join(lost, 'keys', `${role}.age`))
    expect((await stat(join(lost, 'keys', `${role}.age`))).mode & 0o777).toBe(0o600)
    const decrypted = await slurp(['decrypt', '--dir', lost, '--role', role], toRole)
    expect(decrypted.stderr).toBe(`decrypted with role ${role}\n`)
    expect(decrypted.stdout.toString()).toBe(secret)
    // And what `slurp encrypt --as ROLE` wrote opens there exactly as it does with the original key.
    const fromOriginal = await slurp(['decrypt', '--dir', net, '--role', role], ciphertext)
    const fromRecovered = await slurp(['decrypt', '--dir', lost, '--role', role], ciphertext)
    expect({ code: fromRecovered.code, stdout: fromRecovered.stdout.toString() }).toEqual({ code: fromOriginal.code, stdout: fromOriginal.stdout.toString() })
  }, 60_000)

  it('splits the root key and rebuilds root.key, verified against the network key', async () => {
    const out = join(base, 'root-shares')
    const split = await slurp(['escrow', 'split', '--dir', net, '--root', '--threshold', '2', '--custodians', `${carol.recipient},${alice.publicKey},${admin}`, '--out', out])
    expect(split.code).toBe(0)
    const network = JSON.parse(await readFile(join(net, 'network.json'), 'utf8')).network
    expect(split.json()).toMatchObject({ subject: 'root', network, publicKey: network, threshold: 2, shares: 3 })
    const [carolFile, aliceFile, adminFile] = split.json().files.map((f: { file: string }) => f.file) as [string, string, string]
    expect(basename(carolFile)).toMatch(/^root-share-1-of-3-age1\w{8}\.age$/)

    const shares: string[] = []
    for (const [file, args] of [[carolFile, ['-i', carol.identityFile]], [aliceFile, ['--dir', alice.dir]], [adminFile, ['--dir', net]]] as const) {
      const opened = await slurp(['escrow', 'open', file, ...args])
      expect(opened.code).toBe(0)
      const path = join(base, `root-${shares.length + 1}.json`)
      await writeFile(path, opened.stdout, { mode: 0o600 })
      shares.push(path)
    }

    const lost = join(base, 'root-lost')
    await cp(net, lost, { recursive: true })
    await rm(join(lost, 'root.key'))
    const tooFew = await slurp(['escrow', 'combine', shares[1] as string, '--dir', lost])
    expect(tooFew.code).toBe(5)
    expect(tooFew.stderr).toMatch(/NotEnoughSharesError: 1 share given, but this split \(root\) needs 2/)
    expect(await exists(join(lost, 'root.key'))).toBe(false)

    const combined = await slurp(['escrow', 'combine', shares[2] as string, shares[0] as string, '--dir', lost])
    expect(combined.stderr).toBe('')
    expect(combined.json()).toMatchObject({ subject: 'root', publicKey: network, file: join(lost, 'root.key') })
    expect((await stat(join(lost, 'root.key'))).mode & 0o777).toBe(0o600)
    expect(seedFromPem(await readFile(join(lost, 'root.key'), 'utf8'))).toEqual(seedFromPem(await readFile(join(net, 'root.key'), 'utf8')))
    // The rebuilt root signs again: a new role, policy re-signed and verified.
    expect((await slurp(['keygen', '--dir', lost, '--role', 'auditor', '--authority', 'read_only'])).code).toBe(0)
    expect((await slurp(['escrow', 'combine', shares[2] as string, shares[0] as string, '--dir', lost])).code).toBe(2)

    // Shares of one network do not rebuild another's key.
    const other = join(base, 'other')
    expect((await slurp(['init', '--dir', other])).code).toBe(0)
    const foreign = await slurp(['escrow', 'combine', shares[0] as string, shares[1] as string, '--dir', other, '--out', join(base, 'foreign.key')])
    expect(foreign.code).toBe(5)
    expect(foreign.stderr).toMatch(/MismatchedSharesError: share \d is for network/)
  }, 60_000)

  it('a share opens with the real age CLI, for an age custodian and for a member key custodian', async () => {
    const out = join(base, 'age-shares')
    const split = await slurp(['escrow', 'split', '--dir', net, '--role', 'observer', '--threshold', '2', '--custodians', `${carol.recipient},${alice.publicKey}`, '--out', out])
    expect(split.code).toBe(0)
    const [carolFile, aliceFile] = split.json().files.map((f: { file: string }) => f.file) as [string, string]
    const viaAge = parseShare(Buffer.from(await runAge(['-d', '-i', carol.identityFile, carolFile], new Uint8Array())).toString())
    expect(viaAge).toEqual(parseShare((await slurp(['escrow', 'open', carolFile, '-i', carol.identityFile])).stdout.toString()))
    // A member's age identity is derived from its member key (memberIdentity).
    const aliceIdentity = join(base, 'alice-identity.txt')
    await writeFile(aliceIdentity, `${memberIdentity(seedFromPem(await readFile(join(alice.dir, 'member.key'), 'utf8')))}\n`, { mode: 0o600 })
    const aliceShare = parseShare(Buffer.from(await runAge(['-d', '-i', aliceIdentity, aliceFile], new Uint8Array())).toString())
    expect(aliceShare).toMatchObject({ subject: 'role:observer', index: 2, custodian: alice.publicKey })
    // Without a member key or -i there is nothing to open it with: exit 3, and what to pass.
    const keyless = await slurp(['escrow', 'open', carolFile, '--dir', join(base, 'nobody')])
    expect(keyless.code).toBe(3)
    expect(keyless.stderr).toMatch(/member key not found at .*; give the key the share was encrypted to with -i IDENTITY_FILE/)
  })

  it('says what is wrong with a split request', async () => {
    const two = `${admin},${carol.recipient}`
    const cases: Array<[string[], number, RegExp]> = [
      [['--role', 'observer', '--threshold', '3', '--custodians', two], 2, /threshold \(3\) cannot exceed the number of custodians \(2\)/],
      [['--role', 'observer', '--threshold', '1', '--custodians', two], 2, /threshold must be a whole number ≥ 2/],
      [['--role', 'observer', '--threshold', 'two', '--custodians', two], 2, /--threshold takes a whole number/],
      [['--role', 'observer', '--threshold', '2', '--custodians', admin], 2, /at least 2 custodians/],
      [['--role', 'observer', '--threshold', '2', '--custodians', `${admin},${admin}`], 2, /listed twice/],
      [['--role', 'observer', '--threshold', '2', '--custodians', `${admin},bob`], 5, /InvalidKeyError: custodian "bob" is neither an age recipient/],
      [['--threshold', '2', '--custodians', two], 2, /exactly one of --role ROLE or --root/],
      [['--root', '--role', 'observer', '--threshold', '2', '--custodians', two], 2, /exactly one of --role ROLE or --root/],
      [['--role', 'nobody', '--threshold', '2', '--custodians', two], 5, /UnknownRoleError/]
    ]
    for (const [args, code, message] of cases) {
      const result = await slurp(['escrow', 'split', '--dir', net, '--out', join(base, 'never'), ...args])
      expect(result.stderr).toMatch(message)
      expect(result.code).toBe(code)
    }
    expect(await exists(join(base, 'never'))).toBe(false)
    expect((await slurp(['escrow', '--dir', net])).code).toBe(2)
    expect((await slurp(['escrow', 'rebuild', '--dir', net])).stderr).toMatch(/unknown escrow action "rebuild"/)
    expect((await slurp(['escrow', 'combine', join(base, 'missing.json'), '--dir', net])).code).toBe(3)
  })
})
