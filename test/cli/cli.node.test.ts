import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAge } from '../helpers/age-cli.ts'
import { slurp } from '../helpers/cli.ts'
import { startRelayProcess } from '../helpers/relay-process.ts'
import { openInvite, parseInvite } from '../../src/invite/invite.ts'
import { isSealedInvite, unsealInvite } from '../../src/invite/sealed.ts'

let base: string
let dir: string

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-cli-'))
  dir = join(base, 'net')
  const result = await slurp(['init', '--dir', dir])
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
}, 60_000)
afterAll(async () => { await rm(base, { recursive: true, force: true }) })

describe('slurp CLI', () => {
  it('init writes the documented files with private modes', async () => {
    for (const file of ['network.json', 'policy.json', 'member.json']) expect((await stat(join(dir, file))).isFile()).toBe(true)
    for (const secret of ['root.key', 'member.key', 'keys/admin.age', 'keys/backend_developer.age']) {
      expect((await stat(join(dir, secret))).mode & 0o777).toBe(0o600)
    }
    expect(await readFile(join(dir, 'keys/admin.age'), 'utf8')).toMatch(/^# slurp role: admin\n[\s\S]*\nAGE-SECRET-KEY-1[0-9A-Z]+\n$/)
  })

  it('invite certifies a new member for --roles with the keys of --read, as JSON or a #fragment URL', async () => {
    const result = await slurp(['invite', '--dir', dir, '--roles', 'backend_developer', '--read', 'backend_developer,observer', '--label', 'Ann', '--bootstrap', '/ip4/127.0.0.1/tcp/4002/ws'])
    expect(result.code).toBe(0)
    const opened = await openInvite(parseInvite(result.stdout.toString()))
    expect([...opened.member.certificate.roles]).toEqual(['backend_developer'])
    expect(opened.keyring.roles()).toEqual(['backend_developer', 'observer'])
    expect(opened.file.label).toBe('Ann')
    // --out writes it readable by its owner only (a shell redirect would not).
    const file = join(base, 'ann.invite.json')
    expect((await slurp(['invite', '--dir', dir, '--roles', 'observer', '--out', file])).stdout.toString()).toBe('')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await openInvite(parseInvite(await readFile(file, 'utf8')))).keyring.roles()).toEqual(['observer'])
    expect(opened.bootstrap).toEqual(['/ip4/127.0.0.1/tcp/4002/ws'])
    const url = await slurp(['invite', '--dir', dir, '--roles', 'observer', '--url', 'http://127.0.0.1:4080/'])
    expect(url.stderr).toBe('')
    // A link for another host whose invite names only this machine's relays says so.
    const remote = await slurp(['invite', '--dir', dir, '--roles', 'observer', '--url', 'http://relay.example:4080/', '--bootstrap', '/ip4/127.0.0.1/tcp/4002/ws'])
    expect(remote.code).toBe(0)
    expect(remote.stderr).toMatch(/warning: the invite's relays \(\/ip4\/127\.0\.0\.1\/tcp\/4002\/ws\) are all on this machine/)
    expect(url.code).toBe(0)
    const [first = '', second = ''] = url.stdout.toString().trim().split('\n')
    const link = new URL(first)
    expect(link.origin + link.pathname).toBe('http://127.0.0.1:4080/')
    // The link alone opens nothing: the invite is sealed under the passphrase printed on the next line.
    const sealed = new URLSearchParams(link.hash.slice(1)).get('invite') ?? ''
    expect(isSealedInvite(sealed)).toBe(true)
    expect(() => parseInvite(sealed)).toThrow()
    expect(second).toMatch(/^passphrase: \S+$/)
    expect((await openInvite(await unsealInvite(sealed, second.slice('passphrase: '.length)))).keyring.roles()).toEqual(['observer'])
    expect((await slurp(['invite', '--dir', dir])).code).toBe(2)
    expect((await slurp(['invite', '--dir', dir, '--roles', 'nobody'])).stderr).toMatch(/not in the policy/)
  // Seven CLI processes one after another, like the usage test below.
  }, 90_000)

  it('init refuses to overwrite an existing network', async () => {
    const again = await slurp(['init', '--dir', dir])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/already holds a network/)
  })

  it('policy lists roles with readers, and what each can read', async () => {
    const result = await slurp(['policy', '--dir', dir])
    expect(result.code).toBe(0)
    const policy = result.json()
    const devops = policy.roles.find((r: { name: string }) => r.name === 'devops_engineer')
    expect(devops.readers).toContain('backend_developer')
    expect(devops.readers).not.toContain('frontend_developer')
    expect(devops.fingerprint).toMatch(/^sha256:[0-9a-f]{32}$/)
  })

  /** What a record is encrypted to opens with `age` in two steps: the role key opens the sealed reader key, which opens the record. */
  async function openInTwoSteps (writer: string, reader: string, ciphertext: Uint8Array): Promise<Uint8Array> {
    const sealed = await slurp(['policy', '--dir', dir, '--reader-key', writer])
    expect(sealed.code).toBe(0)
    const readerKey = join(dir, `reader-key-${writer}.txt`)
    await writeFile(readerKey, await runAge(['-d', '-i', join(dir, `keys/${reader}.age`)], new Uint8Array(sealed.stdout)), { mode: 0o600 })
    return await runAge(['-d', '-i', readerKey], ciphertext)
  }

  it('encrypt → age -d for every reader; decrypt --role for a non-reader exits 4', async () => {
    const plaintext = 'deploys go through the staging relay first\n'
    for (const armor of [[], ['--armor']]) {
      const encrypted = await slurp(['encrypt', '--dir', dir, '--as', 'devops_engineer', ...armor], { input: plaintext })
      expect(encrypted.code).toBe(0)
      const ciphertext = new Uint8Array(encrypted.stdout)
      expect(Buffer.from(await openInTwoSteps('devops_engineer', 'backend_developer', ciphertext)).toString()).toBe(plaintext)
      const mine = await slurp(['decrypt', '--dir', dir, '--role', 'devops_engineer'], { input: ciphertext })
      expect(mine.stdout.toString()).toBe(plaintext)
      const denied = await slurp(['decrypt', '--dir', dir, '--role', 'frontend_developer'], { input: ciphertext })
      expect(denied.code).toBe(4)
      expect(denied.stderr).toMatch(/AccessDeniedError/)
    }
  })

  it('decrypt opens what age -r wrote; garbage exits 5', async () => {
    const policy = JSON.parse(await readFile(join(dir, 'policy.json'), 'utf8'))
    const ciphertext = await runAge(['-r', policy.policy.roles.qa_engineer.recipient], new TextEncoder().encode('from age'))
    const result = await slurp(['decrypt', '--dir', dir], { input: ciphertext })
    expect(result.stdout.toString()).toBe('from age')
    expect(result.stderr).toMatch(/decrypted with role qa_engineer/)
    const garbage = await slurp(['decrypt', '--dir', dir], { input: 'not age at all' })
    expect(garbage.code).toBe(5)
  })

  it('keygen rotates a role: old ciphertexts still open, new ones go to the new key', async () => {
    const before = await slurp(['encrypt', '--dir', dir, '--as', 'qa_engineer'], { input: 'old' })
    const rotated = await slurp(['keygen', '--dir', dir, '--role', 'qa_engineer'])
    expect(rotated.code).toBe(0)
    const info = rotated.json()
    expect(info).toMatchObject({ role: 'qa_engineer', action: 'rotated', identitiesHeld: 2, policyVersion: 2 })
    const policy = await slurp(['policy', '--dir', dir, '--signed'])
    expect(policy.json().policy.roles.qa_engineer.recipient).toBe(info.recipient)
    const old = await slurp(['decrypt', '--dir', dir, '--role', 'qa_engineer'], { input: new Uint8Array(before.stdout) })
    expect(old.stdout.toString()).toBe('old')
    expect(Buffer.from(await openInTwoSteps('qa_engineer', 'qa_engineer', new Uint8Array(before.stdout))).toString()).toBe('old')
  })

  it('keygen adds a new role and extends the membership', async () => {
    const added = await slurp(['keygen', '--dir', dir, '--role', 'data_scientist', '--authority', 'suggestion', '--can-decrypt', 'data_scientist,backend_developer'])
    expect(added.code).toBe(0)
    expect(added.json()).toMatchObject({ action: 'added' })
    const member = JSON.parse(await readFile(join(dir, 'member.json'), 'utf8'))
    expect(member.roles).toContain('data_scientist')
    const missing = await slurp(['keygen', '--dir', dir, '--role', 'another'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/--authority/)
  })

  it('keygen without --role prints an identity age can use', async () => {
    const result = await slurp(['keygen'])
    const text = result.stdout.toString()
    const recipient = /# public key: (age1[0-9a-z]+)/.exec(text)?.[1] as string
    const ciphertext = await runAge(['-r', recipient], new TextEncoder().encode('x'))
    const keyFile = join(base, 'bare.age')
    await import('node:fs/promises').then(async fs => { await fs.writeFile(keyFile, text) })
    expect(Buffer.from(await runAge(['-d', '-i', keyFile], ciphertext)).toString()).toBe('x')
  })

  // Issue 10 finding 1: only root-certified relays hold records. A relay run
  // from a directory with the root key certifies itself (npm start, the
  // README's demo); one run by someone else needs the admin's certificate.
  it('a relay without the root key refuses to start until the admin certifies it', async () => {
    const other = join(base, 'operator')
    await cp(dir, other, { recursive: true })
    await rm(join(other, 'root.key'))
    const data = join(base, 'operator-relay')
    const args = ['--dir', other, '--data', data, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off', '--web', 'off']
    const refused = await slurp(['relay', ...args])
    expect(refused.code).toBe(2)
    const peerId = /slurp certify-relay (12D3\w+)/.exec(refused.stderr)?.[1] as string
    expect(refused.stderr).toMatch(/has no relay certificate/)
    expect(peerId).toBeDefined()

    expect((await slurp(['certify-relay', peerId, '--dir', other])).code).not.toBe(0)
    const certified = await slurp(['certify-relay', peerId, '--dir', dir, '--days', '30'])
    expect(certified.code).toBe(0)
    const file = join(base, 'operator.cert')
    await writeFile(file, certified.stdout)
    const relay = await startRelayProcess('node', [...args, '--certificate', file])
    try {
      expect(relay.ready.peerId).toBe(peerId)
    } finally {
      await relay.stop()
    }
    // A certificate for another peer is refused at start, not announced.
    const wrong = await slurp(['relay', ...args.map(arg => arg === data ? join(base, 'another-relay') : arg), '--certificate', file])
    expect(wrong.code).toBe(5)
    expect(wrong.stderr).toMatch(/relay certificate names another peer/)
    expect((await slurp(['relay', ...args, '--min-free', 'lots'])).stderr).toMatch(/--min-free takes megabytes/)
  // Six CLI processes and a relay start: 8 s alone.
  }, 90_000)

  // A dozen CLI processes one after another: 24 s on a quiet machine.
  it('usage errors exit 2 with a message; --help works everywhere', async () => {
    expect((await slurp([])).code).toBe(2)
    const unknown = await slurp(['frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/)
    const badFlag = await slurp(['encrypt', '--dir', dir, '--bogus'])
    expect(badFlag.code).toBe(2)
    expect((await slurp(['encrypt', '--dir', dir])).stderr).toMatch(/needs --as ROLE/)
    expect((await slurp(['encrypt', '--dir', dir, '--as', 'ghost'], { input: 'x' })).code).toBe(5)
    for (const command of ['init', 'keygen', 'encrypt', 'decrypt', 'policy']) {
      const help = await slurp([command, '--help'])
      expect(help.code).toBe(0)
      expect(help.stdout.toString()).toMatch(new RegExp(`^usage: slurp ${command}`))
    }
    const missing = await slurp(['policy', '--dir', join(base, 'nowhere')])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toMatch(/slurp init/)
  }, 90_000)
})
