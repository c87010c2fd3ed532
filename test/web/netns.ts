import { execFile } from 'node:child_process'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CHROMIUM_PATH } from './chromium.ts'

const run = promisify(execFile)

/**
 * A network namespace joined to this one by a veth pair, with a default route
 * out of it. Chromium gathers WebRTC candidates only on an interface with a
 * route (never on loopback), so browser-to-browser tests run it in here while
 * the relays stay in the test process, reached at `hostIp`.
 */
export interface Netns {
  readonly name: string
  /** This side of the veth pair: where relays listen for the browsers. */
  readonly hostIp: string
  /** The namespace's side: the browsers' own address. */
  readonly nsIp: string
  /** A script that runs Chromium inside the namespace (playwright's executablePath). */
  readonly chromium: string
  close (): Promise<void>
}

/** Why the namespace cannot be made here, or undefined when it can. */
export async function netnsUnavailable (): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'network namespaces are Linux only'
  if (process.getuid?.() !== 0) return 'creating a network namespace needs root (CI runs as root)'
  try {
    await run('ip', ['-V'])
  } catch {
    return 'the ip command (iproute2) is not installed'
  }
  return undefined
}

export async function createNetns (): Promise<Netns> {
  // Short, unique names: interface names are limited to 15 characters.
  const id = `${process.pid % 100000}${Math.floor(Math.random() * 100)}`
  const name = `slurp-rtc-${id}`
  const outer = `srtc${id}a`
  const inner = `srtc${id}b`
  const octet = 16 + (process.pid % 200)
  const hostIp = `10.231.${octet}.1`
  const nsIp = `10.231.${octet}.2`
  const folder = await mkdtemp(join(tmpdir(), 'slurp-netns-'))
  const chromium = join(folder, 'chromium')
  const steps: string[][] = [
    ['netns', 'add', name],
    ['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner],
    ['link', 'set', inner, 'netns', name],
    ['addr', 'add', `${hostIp}/24`, 'dev', outer],
    ['link', 'set', outer, 'up'],
    ['-n', name, 'addr', 'add', `${nsIp}/24`, 'dev', inner],
    ['-n', name, 'link', 'set', inner, 'up'],
    ['-n', name, 'link', 'set', 'lo', 'up'],
    ['-n', name, 'route', 'add', 'default', 'via', hostIp]
  ]
  const close = async (): Promise<void> => {
    await run('ip', ['link', 'del', outer]).catch(() => {})
    await run('ip', ['netns', 'del', name]).catch(() => {})
    await rm(folder, { recursive: true, force: true })
  }
  try {
    for (const step of steps) await run('ip', step)
    // exec keeps playwright's pipes (file descriptors 3 and 4) to the browser.
    await writeFile(chromium, `#!/bin/sh\nexec ip netns exec ${name} ${CHROMIUM_PATH} "$@"\n`)
    await chmod(chromium, 0o755)
  } catch (error) {
    await close()
    throw error
  }
  return { name, hostIp, nsIp, chromium, close }
}
