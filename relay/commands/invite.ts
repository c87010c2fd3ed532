import { UsageError } from '../../src/errors.ts'
import { createInvite, formatInvite } from '../../src/invite/invite.ts'
import { GENERATED_PASSPHRASE_WORK_FACTOR, generateInvitePassphrase, sealInvite } from '../../src/invite/sealed.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { writeFileAtomic } from '../key-files.ts'
import { NetworkDir } from '../network-dir.ts'
import { memberEntryOf, registerMember } from '../member-registry.ts'
import { decodeCertificate } from '../../src/trust/certificate.ts'
import { fromBase64url } from '../../src/encoding/base64url.ts'
import { bootstrapFrom, MESH_OPTIONS, positiveInt } from '../options.ts'
import { localRelays } from '../relay-registry.ts'
import { hostReach, reachableFrom } from '../reach.ts'
import type { Reach } from '../reach.ts'
import { isBrowserDialable } from '../../src/net/browser-dialable.ts'
import { existsSync } from 'node:fs'

const DAY_MS = 86_400_000

export const invite: Command = {
  name: 'invite',
  summary: 'make an invite: a new member key certified for some roles, with their role keys, for a browser tab or another machine',
  usage: 'slurp invite --roles R1,R2 [--read R3,…] [--days 30] [--label NAME] [--out FILE [--force] | --url http://HOST:PORT/ [--json]] [--bootstrap MA]... [--dir .slurp]',
  details: [
    'Needs the root key. Certifies a new member key for --roles (it may write as them) and',
    'bundles the age identities of --read (default: the same roles) so it can read what',
    'they may read. Bootstrap relays: --bootstrap, else the relays running from --dir.',
    'Prints the invite as JSON (import it in the web app as a file or pasted text), or',
    'with --out FILE writes it there readable by you only (mode 0600; --force replaces a file',
    'already there). On stdout it warns: a shell redirect leaves the file readable by others.',
    'With --url: a link to that URL whose #fragment holds the invite sealed under a',
    'passphrase (age scrypt), and on the next line the passphrase. Browsers keep every',
    'link they open in their history files, so the link alone must be useless: send the',
    'passphrase another way (say it, or another channel). A random 100-bit passphrase',
    'unless $SLURP_INVITE_PASSPHRASE sets one. --json prints {url, passphrase, notAfter}.',
    'It warns when no relay in the invite can be dialed from the --url host (all on this',
    'machine or a private network for a public host): pass --bootstrap with addresses it can.',
    'The invite holds secrets: share it like a private key.'
  ].join('\n'),
  options: {
    ...DIR_OPTION,
    ...MESH_OPTIONS,
    roles: { type: 'string', short: 'r' },
    read: { type: 'string' },
    days: { type: 'string' },
    label: { type: 'string' },
    url: { type: 'string' },
    json: { type: 'boolean' },
    out: { type: 'string', short: 'o' },
    force: { type: 'boolean' }
  },
  async run (args, io) {
    const dir = new NetworkDir(dirFrom(args, io))
    const roles = splitList(args.values.roles)
    if (roles.length === 0) throw new UsageError('--roles is required: the roles the new member may act as')
    const readRoles = args.values.read === undefined ? roles : splitList(args.values.read)
    const out = args.values.out as string | undefined
    const url = args.values.url as string | undefined
    if (out !== undefined && url !== undefined) throw new UsageError('--out writes the invite file, --url makes a link: choose one')
    // Checked before a member is certified: a refusal must leave nothing behind.
    if (out !== undefined && args.values.force !== true && existsSync(out)) throw new UsageError(`${out} already exists: pass --force to replace it`)
    const policy = await dir.readPolicy()
    for (const role of new Set([...roles, ...readRoles])) {
      if (!Object.hasOwn(policy.roles, role)) throw new UsageError(`role "${role}" is not in the policy (${Object.keys(policy.roles).join(', ')})`)
    }
    const identities: Record<string, string[]> = {}
    for (const role of readRoles) identities[role] = await dir.readRoleIdentities(role)
    let bootstrap = bootstrapFrom(args, io)
    for (const address of bootstrap) {
      try {
        reachableFrom(address, 'public')
      } catch {
        throw new UsageError(`--bootstrap takes multiaddrs such as /dns4/relay.example/tcp/443/wss/p2p/12D3…, got "${address}"`)
      }
    }
    if (bootstrap.length === 0) bootstrap = (await localRelays(dir.path)).flatMap(entry => entry.multiaddrs)
    const label = args.values.label as string | undefined
    const validForMs = positiveInt(args.values.days, '--days', 30) * DAY_MS
    const now = Date.now()
    const made = await createInvite({
      root: await dir.readRootKey(),
      policy: await dir.readSignedPolicy(),
      roles,
      identities,
      bootstrap,
      validForMs,
      now,
      ...(label === undefined ? {} : { label })
    })
    await registerMember(dir, memberEntryOf(decodeCertificate(fromBase64url(made.member.certificate)), readRoles, label))
    if (url === undefined) {
      if (out === undefined) {
        io.stderr('slurp invite: warning: the invite holds secret keys; a shell redirect leaves the file readable by others: use --out FILE (mode 0600)\n')
        io.stdout(formatInvite(made))
      // Readable by its owner only: a shell redirect would leave the secrets world-readable.
      } else await writeFileAtomic(out, formatInvite(made), 0o600)
      return
    }
    let base: URL
    try {
      base = new URL(url)
    } catch {
      throw new UsageError(`--url takes an http(s) URL, got "${url}"`)
    }
    const chosen = io.env.SLURP_INVITE_PASSPHRASE
    const passphrase = chosen === undefined || chosen === '' ? generateInvitePassphrase() : chosen
    // A generated passphrase is 100 random bits: no stretching needed. One a person chose gets age's default.
    const sealed = await sealInvite(made, passphrase, chosen === undefined || chosen === '' ? { workFactor: GENERATED_PASSPHRASE_WORK_FACTOR } : {})
    base.hash = `invite=${sealed}`
    const unreachable = unreachableWarning(bootstrap, base.hostname)
    if (unreachable !== undefined) io.stderr(`slurp invite: warning: ${unreachable}; pass --bootstrap with addresses it can dial (the page still finds the relay serving it through /v1/bootstrap)\n`)
    if (args.values.json === true) {
      printJson(io, { url: base.toString(), passphrase, notAfter: now + validForMs })
      return
    }
    io.stdout(`${base.toString()}\npassphrase: ${passphrase}\n`)
  }
}

const WHERE: Record<Reach, string> = { loopback: 'on this machine', private: 'on private networks', public: 'public' }

/**
 * Why a browser that opens a link on `host` could dial none of the invite's
 * relays, or undefined when it can dial one: an address must reach at least as
 * far as the host (a public host's users cannot dial 127.0.0.1 or 10.0.0.5),
 * over a transport browsers have.
 */
function unreachableWarning (bootstrap: readonly string[], host: string): string | undefined {
  const from = hostReach(host)
  if (bootstrap.length === 0) return from === 'loopback' ? undefined : `the invite names no relay, and ${host} is not this machine`
  const reachable = bootstrap.filter(address => reachableFrom(address, from))
  if (reachable.length === 0) {
    const farthest = bootstrap.some(address => reachableFrom(address, 'private')) ? 'private' : 'loopback'
    return `the invite's relays (${bootstrap.join(', ')}) are all ${WHERE[farthest]}, which browsers opening ${host} cannot reach`
  }
  if (!reachable.some(isBrowserDialable)) return `none of the invite's relays that ${host} can reach (${reachable.join(', ')}) listens on a transport browsers dial (/ws, /wss, /webtransport)`
  return undefined
}

function splitList (value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map(part => part.trim()).filter(part => part !== '') : []
}
