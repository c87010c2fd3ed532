/**
 * The core's whole write/read path on whatever runtime runs this file (Bun and
 * Deno, from test/runtime/runtimes.node.test.ts). Plain asserts: those runtimes
 * do not run vitest. Prints one "N passed, N failed" line and exits non-zero on failure.
 */
import {
  AccessDeniedError, DEFAULT_ROLES, RoleKeyring, StaleRecordError, createContextRecord, createMemoryStore, dhtKey,
  encryptForRole, decryptWithKeyring, generateRoleKey, generateSigningKey, issueCertificate, mergeVersion,
  normaliseAddress, openContextRecord, readersOf, signPolicy, validateRecord, verifyPolicy
} from '../../src/index.ts'
import { assert, check, runChecks } from './checks.ts'

const { key: root } = await generateSigningKey()
const identities = new Map<string, string>()
const roles = []
for (const role of DEFAULT_ROLES) {
  const pair = await generateRoleKey()
  identities.set(role.name, pair.identity)
  roles.push({ ...role, recipient: pair.recipient })
}
const signed = await signPolicy(root, { roles })
const policy = signed.policy
const keyring = async (role: string): Promise<RoleKeyring> => await RoleKeyring.from([[role, identities.get(role) as string]])

check('policy verifies under its root', async () => {
  const verified = await verifyPolicy(JSON.parse(JSON.stringify(signed)), root.publicKey)
  assert(verified.version === 1, 'policy version')
})

check('addresses normalise and hash to DHT keys', async () => {
  assert(normaliseAddress('UCXL://Project/a/%7e') === 'ucxl://project/a/~', 'normalise')
  assert((await dhtKey('ucxl://project/a')).startsWith('/slurp/ucxl/'), 'dht key prefix')
})

check('role encryption: readers open, others are denied', async () => {
  const ciphertext = await encryptForRole(policy, 'devops_engineer', new TextEncoder().encode('hello'))
  for (const role of readersOf(policy.roles, 'devops_engineer')) {
    const opened = await decryptWithKeyring(await keyring(role), ciphertext)
    assert(new TextDecoder().decode(opened.plaintext) === 'hello', `decrypt as ${role}`)
  }
  try {
    await decryptWithKeyring(await keyring('frontend_developer'), ciphertext)
    throw new Error('non-reader decrypted')
  } catch (error) {
    assert(error instanceof AccessDeniedError, 'AccessDeniedError expected')
  }
})

check('records: create, validate, open, version order', async () => {
  const { key: signer } = await generateSigningKey()
  const certificate = await issueCertificate(root, { member: signer.publicKey, roles: ['backend_developer'], notBefore: Date.now() - 1000, notAfter: Date.now() + 60_000 })
  const author = { signer, certificate, role: 'backend_developer' }
  const first = await createContextRecord({ policy, author, address: 'ucxl://p/src/main.go', draft: { summary: 'v1' } })
  const envelope = await validateRecord(first.bytes, { rootPublicKey: root.publicKey, policy }, await dhtKey('ucxl://p/src/main.go'))
  const { item } = await openContextRecord(envelope, await keyring('senior_architect'))
  assert(item.summary === 'v1', 'opened summary')
  const second = await createContextRecord({ policy, author, address: 'ucxl://p/src/main.go', draft: { summary: 'v2' }, previous: { clock: envelope.clock } })
  assert(mergeVersion([envelope], second.envelope).outcome === 'replaced', 'newer replaces')
  assert(mergeVersion([second.envelope], envelope).outcome === 'stale', 'older is stale')
  assert(typeof StaleRecordError === 'function', 'errors exported')
})

check('memory store round trip', async () => {
  const store = createMemoryStore()
  await store.open()
  await store.put('a/1', new Uint8Array([1]))
  await store.put('a/2', new Uint8Array([2]))
  const keys: string[] = []
  for await (const [key] of store.list('a/')) keys.push(key)
  assert(keys.join() === 'a/1,a/2', 'list order')
  await store.close()
})

await runChecks()
