import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { recipientOf } from '../../src/crypto/generate.ts'
import { formatIdentityFile, parseIdentityFile } from '../../src/crypto/identity-file.ts'
import { memberIdentity } from '../../src/crypto/member-recipient.ts'
import { equalBytes } from '../../src/encoding/bytes.ts'
import { InvalidKeyError, NotFoundError, UsageError } from '../../src/errors.ts'
import { parseCustodians } from '../../src/escrow/custodian.ts'
import type { Custodian } from '../../src/escrow/custodian.ts'
import { recoverKey } from '../../src/escrow/recover.ts'
import { isSealed, openShare, sealShare } from '../../src/escrow/seal.ts'
import { formatShare, parseShare } from '../../src/escrow/share.ts'
import type { EscrowShare } from '../../src/escrow/share.ts'
import { splitRoleKey, splitRootKey } from '../../src/escrow/split.ts'
import { requireRole, ROLE_NAME } from '../../src/roles/role.ts'
import { seedFromPem, seedToPem, signingKeyFromSeed } from '../../src/trust/signing-key.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command, CommandIO, ParsedArgs } from '../command.ts'
import { readText } from '../key-files.ts'
import { NetworkDir } from '../network-dir.ts'

const USAGE = [
  'slurp escrow split (--role ROLE | --root) --threshold T --custodians C1,C2,... [--out DIR] [--dir .slurp]',
  '       slurp escrow open SHARE.age [-i IDENTITY_FILE]... [--out FILE] [--dir .slurp]',
  '       slurp escrow combine SHARE... [-i IDENTITY_FILE]... [--out FILE] [--dir .slurp]'
].join('\n')

export const escrow: Command = {
  name: 'escrow',
  summary: 'split a role key or the root key among custodians (Shamir), and rebuild it, verified',
  usage: USAGE,
  details: [
    'split: splits the role\'s current identity (the one the policy names) or the root key into one',
    '  share per custodian, T of which rebuild it, each age-encrypted to its custodian and written',
    '  to --out DIR (default DIR/escrow) as <subject>-share-<i>-of-<n>-<custodian>.age, mode 0600.',
    '  A custodian is an age recipient (age1…) or a member public key (member.json\'s publicKey).',
    'open: decrypts a share with your member key (DIR/member.key) or -i files (age identity files,',
    '  or a member.key PEM); prints the share JSON, or writes it to --out FILE (0600). Keep it secret.',
    'combine: rebuilds the key from at least T shares (plaintext JSON, or .age files your keys open),',
    '  verifies it against DIR\'s network key and signed policy, and writes it: the root key to',
    '  DIR/root.key, a role identity to DIR/keys/ROLE.age, or to --out FILE. Never overwrites a file;',
    '  writes nothing when verification fails (exit 5).'
  ].join('\n'),
  options: {
    ...DIR_OPTION,
    role: { type: 'string', short: 'r' },
    root: { type: 'boolean' },
    threshold: { type: 'string', short: 't' },
    custodians: { type: 'string', short: 'c' },
    identity: { type: 'string', short: 'i', multiple: true },
    out: { type: 'string', short: 'o' }
  },
  allowPositionals: true,
  async run (args, io) {
    const [action, ...rest] = args.positionals
    if (action === 'split') return await split(args, rest, io)
    if (action === 'open') return await open(args, rest, io)
    if (action === 'combine') return await combine(args, rest, io)
    throw new UsageError(action === undefined ? 'say what to do: split, open or combine' : `unknown escrow action "${action}": split, open or combine`)
  }
}

async function split (args: ParsedArgs, rest: string[], io: CommandIO): Promise<void> {
  refuse(args, ['identity'], 'split')
  if (rest.length > 0) throw new UsageError(`split takes no file arguments (got "${rest[0] ?? ''}")`)
  const role = args.values.role as string | undefined
  const root = args.values.root === true
  if (root === (role !== undefined)) throw new UsageError('split needs exactly one of --role ROLE or --root')
  if (role !== undefined && !ROLE_NAME.test(role)) throw new UsageError(`"${role}" is not a role name`)
  const threshold = wholeNumber(args.values.threshold, '--threshold')
  const list = args.values.custodians as string | undefined
  if (list === undefined) throw new UsageError('split needs --custodians C1,C2,... (age recipients or member public keys)')
  const custodians = parseCustodians(list)

  const dir = new NetworkDir(dirFrom(args, io))
  const { rootPublicKey } = await dir.readNetwork()
  const options = { threshold, custodians }
  let shares: EscrowShare[]
  if (role === undefined) {
    const seed = seedFromPem(await readText(dir.file('root.key'), 'network root key (only the admin has it)'))
    if (!equalBytes((await signingKeyFromSeed(seed)).publicKey, rootPublicKey)) {
      throw new InvalidKeyError(`${dir.file('root.key')} is not the root key of the network in ${dir.file('network.json')}`)
    }
    shares = await splitRootKey(seed, options)
    seed.fill(0)
  } else {
    // The verified policy says which identity is the role's key now; after
    // rotations the key file holds older ones too (newest first).
    const recipient = requireRole((await dir.readPolicy()).roles, role).recipient
    let current: string | undefined
    for (const identity of await dir.readRoleIdentities(role)) {
      if (await recipientOf(identity) === recipient) {
        current = identity
        break
      }
    }
    if (current === undefined) throw new InvalidKeyError(`${dir.keyFile(role)} holds no identity for role "${role}"'s current key (${recipient}) in the policy`)
    shares = await splitRoleKey(current, role, rootPublicKey, options)
  }

  const out = (args.values.out as string | undefined) ?? dir.file('escrow')
  await mkdir(out, { recursive: true, mode: 0o700 })
  const files = shares.map((share, i) => ({ share, custodian: custodians[i] as Custodian, file: join(out, shareFileName(share, custodians[i] as Custodian)) }))
  for (const { file } of files) await refuseExisting(file)
  const written: string[] = []
  try {
    for (const { share, custodian, file } of files) {
      await writeNew(file, await sealShare(share, custodian))
      written.push(file)
    }
  } catch (error) {
    // All shares or none: a partial split would leave custodians holding shares that never add up.
    for (const file of written) await unlink(file).catch(() => {})
    throw error
  }
  const first = shares[0] as EscrowShare
  printJson(io, {
    subject: first.subject,
    network: first.network,
    publicKey: first.publicKey,
    threshold,
    shares: shares.length,
    files: files.map(({ share, custodian, file }) => ({ index: share.index, custodian: custodian.id, kind: custodian.kind, file }))
  })
}

async function open (args: ParsedArgs, rest: string[], io: CommandIO): Promise<void> {
  refuse(args, ['role', 'root', 'threshold', 'custodians'], 'open')
  const [path, ...extra] = rest
  if (path === undefined || extra.length > 0) throw new UsageError('open takes exactly one share file')
  const bytes = await readBytes(path, 'share')
  if (!isSealed(bytes)) throw new UsageError(`${path} is not an age file; a plaintext share needs no opening`)
  const identities = await custodianIdentities(args, io, true)
  const share = await openShare(bytes, identities)
  const out = args.values.out as string | undefined
  if (out === undefined) io.stdout(formatShare(share))
  else {
    await refuseExisting(out)
    await writeNew(out, formatShare(share))
  }
}

async function combine (args: ParsedArgs, paths: string[], io: CommandIO): Promise<void> {
  refuse(args, ['role', 'root', 'threshold', 'custodians'], 'combine')
  if (paths.length === 0) throw new UsageError('combine takes the share files to rebuild from')
  const dir = new NetworkDir(dirFrom(args, io))
  const { rootPublicKey } = await dir.readNetwork()
  const policy = await dir.readPolicy()

  let identities: string[] | undefined
  const shares: EscrowShare[] = []
  for (const path of paths) {
    const bytes = await readBytes(path, 'share')
    if (isSealed(bytes)) {
      identities ??= await custodianIdentities(args, io, false)
      shares.push(await openShare(bytes, identities))
    } else {
      shares.push(parseShare(new TextDecoder().decode(bytes)))
    }
  }
  const first = shares[0] as EscrowShare
  const role = first.subject === 'root' ? undefined : first.subject.slice('role:'.length)
  const out = (args.values.out as string | undefined) ?? (role === undefined ? dir.file('root.key') : dir.keyFile(role))
  // Before the work, and again when writing: never replace a key file.
  await refuseExisting(out)

  const recovered = await recoverKey(shares, { rootPublicKey, policy })
  await mkdir(dirname(out), { recursive: true, mode: 0o700 })
  if (recovered.subject === 'root') {
    await writeNew(out, seedToPem(recovered.seed))
    recovered.seed.fill(0)
    printJson(io, { subject: 'root', publicKey: recovered.publicKey, verified: 'derives to the network root key', shares: shares.length, file: out })
  } else {
    await writeNew(out, formatIdentityFile(recovered.role, [{ identity: recovered.identity, recipient: recovered.recipient, created: new Date().toISOString() }]))
    printJson(io, { subject: recovered.subject, recipient: recovered.recipient, verified: 'derives to the role\'s recipient in the signed policy', shares: shares.length, file: out })
  }
}

/** The keys a custodian opens shares with: -i files if given, else the member key in --dir. */
async function custodianIdentities (args: ParsedArgs, io: CommandIO, required: boolean): Promise<string[]> {
  const files = (args.values.identity as string[] | undefined) ?? []
  const identities: string[] = []
  for (const file of files) {
    const text = await readText(file, 'identity file')
    // A member.key (PKCS #8 PEM) works too: it is the member's age identity in another form.
    if (text.includes('-----BEGIN PRIVATE KEY-----')) identities.push(memberIdentity(seedFromPem(text)))
    else identities.push(...parseIdentityFile(text, file))
  }
  if (files.length > 0) return identities
  const dir = new NetworkDir(dirFrom(args, io))
  try {
    identities.push(memberIdentity(seedFromPem(await readText(dir.file('member.key'), 'member key'))))
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error
    if (required) throw new NotFoundError(`${error.message}; give the key the share was encrypted to with -i IDENTITY_FILE`, { cause: error })
  }
  return identities
}

/** e.g. role-backend_developer-share-2-of-3-member-Xk3v9QaB.age */
function shareFileName (share: EscrowShare, custodian: Custodian): string {
  const subject = share.subject === 'root' ? 'root' : `role-${share.subject.slice('role:'.length)}`
  const who = custodian.kind === 'age' ? custodian.id.slice(0, 12) : `member-${custodian.id.slice(0, 8)}`
  return `${subject}-share-${share.index}-of-${share.shares}-${who}.age`
}

function refuse (args: ParsedArgs, names: string[], action: string): void {
  for (const name of names) {
    if (args.values[name] !== undefined) throw new UsageError(`--${name} does not apply to escrow ${action}`)
  }
}

function wholeNumber (value: unknown, flag: string): number {
  if (value === undefined) throw new UsageError(`${flag} is required`)
  const n = Number(value)
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new UsageError(`${flag} takes a whole number, got "${String(value)}"`)
  return n
}

async function readBytes (path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${what} not found at ${path}`)
    throw error
  }
}

async function refuseExisting (path: string): Promise<void> {
  try {
    await stat(path)
  } catch {
    return
  }
  throw new UsageError(`${path} exists; escrow never overwrites a file (move it away, or pass --out)`)
}

/**
 * Writes a secret file (0600) that must not exist yet: through a temporary
 * file and a hard link, which fails if the name was taken meanwhile, so a
 * key file is never replaced and never seen half-written.
 */
async function writeNew (path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, content, { mode: 0o600, flag: 'wx' })
  try {
    await chmod(temporary, 0o600)
    await link(temporary, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${path} exists; escrow never overwrites a file`)
    throw error
  } finally {
    await unlink(temporary).catch(() => {})
  }
}
