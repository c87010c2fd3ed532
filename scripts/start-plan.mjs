// What `npm start` runs, apart from running it: its options, the three relays'
// ports and arguments, and the check that those ports are free. Kept here so
// the tests start the same relays from source that npm start runs built.
import { createServer } from 'node:net'
import { parseArgs } from 'node:util'

export const DEFAULT_PORT_BASE = 4000
export const HOST = '127.0.0.1'

/**
 * `npm start -- [--port-base N] [--show-invite] [--invite-only]`, with
 * SLURP_PORT_BASE and SLURP_SHOW_INVITE from the environment. Throws an Error
 * whose message a person can act on.
 */
export function startOptions (argv, env) {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: { 'port-base': { type: 'string' }, 'show-invite': { type: 'boolean' }, 'invite-only': { type: 'boolean' } },
      strict: true
    }).values
  } catch (error) {
    throw new Error(`${error.message}\nusage: npm start -- [--port-base N] [--show-invite] [--invite-only]`)
  }
  const given = values['port-base'] ?? env.SLURP_PORT_BASE
  const portBase = given === undefined || given === '' ? DEFAULT_PORT_BASE : Number(given)
  // Its highest port is base + 91 (the coordinator).
  if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65_535 - 91) {
    throw new Error(`--port-base (or SLURP_PORT_BASE) takes a whole number from 1024 to ${65_535 - 91}, not "${given}"`)
  }
  const inviteOnly = values['invite-only'] === true
  return {
    portBase,
    inviteOnly,
    showInvite: inviteOnly || values['show-invite'] === true || ['1', 'true', 'yes'].includes(env.SLURP_SHOW_INVITE ?? '')
  }
}

/**
 * Three relays (the replication factor is 3, so puts get all their replicas),
 * relay N on base+10(N-1)+1 (TCP) and +2 (WebSockets: the web app it serves
 * dials relays over WebSockets, and Chromium allows plain ws:// to 127.0.0.1),
 * the first with the HTTP API and web app on base+80, and one generation
 * coordinator (the network's one voter) on base+91, its HTTP status on
 * base+90. The default base 4000 gives 4001/4002, 4011/4012, 4021/4022,
 * 4080, 4090 and 4091.
 */
export function startPlan (portBase = DEFAULT_PORT_BASE) {
  const relays = [0, 1, 2].map(i => {
    const tcp = portBase + 10 * i + 1
    const ws = tcp + 1
    return {
      ports: i === 0 ? [tcp, ws, portBase + 80] : [tcp, ws],
      args: ['--listen', `/ip4/${HOST}/tcp/${tcp}`, '--listen', `/ip4/${HOST}/tcp/${ws}/ws`, '--http', i === 0 ? `${HOST}:${portBase + 80}` : 'off']
    }
  })
  const coordinator = { ports: [portBase + 90, portBase + 91], args: ['--listen', `/ip4/${HOST}/tcp/${portBase + 91}`, '--http', `${HOST}:${portBase + 90}`] }
  return { relays, coordinator, ports: [...relays.flatMap(relay => relay.ports), ...coordinator.ports], webUrl: `http://${HOST}:${portBase + 80}/` }
}

/** The ports of `ports` something on this machine already listens on (at HOST), in order. */
export async function takenPorts (ports) {
  const taken = []
  for (const port of ports) {
    const free = await new Promise(resolve => {
      const server = createServer()
      server.once('error', () => { resolve(false) })
      server.listen({ port, host: HOST, exclusive: true }, () => { server.close(() => { resolve(true) }) })
    })
    if (!free) taken.push(port)
  }
  return taken
}

/** The first base after `portBase` (in steps of 100) whose ports are all free now, for the hint. */
export async function freePortBase (portBase) {
  for (let base = portBase + 100; base <= 65_535 - 91; base += 100) {
    if ((await takenPorts(startPlan(base).ports)).length === 0) return base
  }
  return DEFAULT_PORT_BASE
}
