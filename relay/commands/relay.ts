import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { multiaddr } from '@multiformats/multiaddr'
import { UsageError } from '../../src/errors.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { hostPort, listFrom } from '../options.ts'
import { createLogger, logRelayActivity, parseLogLevel } from '../log.ts'
import { isBrowserDialable } from '../../src/net/browser-dialable.ts'
import { startRelayServer } from '../relay-server.ts'
import { RELAY_BACKUP_HELP, RELAY_BACKUP_OPTIONS, scheduledBackupFrom } from '../backup/relay-options.ts'
import { RELAY_CONNECTION_HELP, RELAY_CONNECTION_OPTIONS, connectionLimitsFrom } from '../connection-options.ts'
import { DEFAULT_COORDINATOR_LISTEN, coordinatorOptionsFrom } from './coordinator.ts'
import { startCoordinatorRuntime } from '../coordinator-runtime.ts'
import type { CoordinatorRuntime } from '../coordinator-runtime.ts'
import { GENERATOR_OPTIONS } from '../generator-choice.ts'

export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/4001', '/ip4/127.0.0.1/tcp/4002/ws']
export const DEFAULT_HTTP = '127.0.0.1:4080'

export const relay: Command = {
  name: 'relay',
  summary: 'run a relay: stores and replicates records it cannot read, serves the DHT and an HTTP API',
  usage: 'slurp relay [--dir .slurp] [--listen MA]... [--announce MA]... [--http HOST:PORT|off] [--web DIR|off] [--data PATH] [--bootstrap MA]... [--certificate FILE] [--min-free MB] [--log-level error|warn|info|debug] [--backup-schedule CRON --backup-dest DIR] [--max-connections N] [--max-connections-per-ip N] [--inbound-rate-per-ip N] [--allow LIST] [--coordinator [--coordinator-listen MA]...]',
  details: [
    'Defaults: --listen /ip4/127.0.0.1/tcp/4001 and /ip4/127.0.0.1/tcp/4002/ws, --http 127.0.0.1:4080,',
    '--data DIR/relay (its identity and records, LevelDB), --web: the built web app (dist/web)',
    'served at / when it exists. Environment: SLURP_DIR, SLURP_LISTEN, SLURP_HTTP, SLURP_WEB,',
    'SLURP_DATA, SLURP_BOOTSTRAP, SLURP_ANNOUNCE (comma-separated lists), SLURP_RELAY_CERTIFICATE, SLURP_MIN_FREE_MB.',
    '--announce: the addresses peers, invites and /v1/bootstrap are given instead of the listening ones',
    '(a relay behind NAT or a TLS proxy: --announce /dns4/relay.example.com/tcp/443/wss).',
    '--min-free: refuse writes (ERR_STORAGE_FULL) while less than this many MB are free under --data (default 256).',
    'Only relays the network root certified hold records: with the root key in --dir the relay',
    'certifies itself; otherwise pass --certificate (from the admin\'s "slurp certify-relay PEER_ID").',
    'Prints one JSON line {"event":"ready",…} with its peer id and multiaddrs once it serves.',
    'Logs to stderr (--log-level, SLURP_LOG_LEVEL; default info): at info a summary every 10 s',
    'of peers joined and left, records stored and rejected (by code); at debug each of them.',
    'The web app needs a --listen address a browser can dial (/ws, /wss, /webtransport):',
    'with --web and none, the relay refuses to start (the default web app is left out, with a warning).',
    RELAY_BACKUP_HELP,
    RELAY_CONNECTION_HELP,
    '--coordinator: also run this directory\'s member as a generation voter in the same process (see',
    '"slurp coordinator"; its flags --voter, --generator, --llm-*, --concurrency apply), listening on',
    `--coordinator-listen (default ${DEFAULT_COORDINATOR_LISTEN.join(',')}), its Raft log under --data, its`,
    'elections and term changes in this relay\'s audit log.',
    'Stops cleanly on SIGINT or SIGTERM (finishes writes, closes the store).'
  ].join('\n'),
  options: {
    ...DIR_OPTION,
    listen: { type: 'string', short: 'l', multiple: true },
    announce: { type: 'string', multiple: true },
    http: { type: 'string' },
    data: { type: 'string' },
    web: { type: 'string' },
    bootstrap: { type: 'string', short: 'b', multiple: true },
    certificate: { type: 'string' },
    'min-free': { type: 'string' },
    'log-level': { type: 'string' },
    ...RELAY_BACKUP_OPTIONS,
    ...RELAY_CONNECTION_OPTIONS,
    ...GENERATOR_OPTIONS,
    coordinator: { type: 'boolean' },
    'coordinator-listen': { type: 'string', multiple: true },
    voter: { type: 'string', multiple: true },
    concurrency: { type: 'string' }
  },
  async run (args, io) {
    const dir = new NetworkDir(dirFrom(args, io))
    const httpValue = (args.values.http as string | undefined) ?? io.env.SLURP_HTTP ?? DEFAULT_HTTP
    const chosenWeb = (args.values.web as string | undefined) ?? io.env.SLURP_WEB
    let webValue = chosenWeb ?? builtWebApp()
    const listen = listFrom(args, io, 'listen', 'SLURP_LISTEN', DEFAULT_LISTEN)
    const log = createLogger({ level: parseLogLevel((args.values['log-level'] as string | undefined) ?? io.env.SLURP_LOG_LEVEL), write: line => { io.stderr(line) } })
    if (httpValue !== 'off' && webValue !== undefined && webValue !== 'off' && !listen.some(isBrowserDialable)) {
      // The page would load and then reach no relay ("No relay reachable").
      const why = `no --listen address is one a browser can dial (${listen.join(', ')}): add one such as /ip4/127.0.0.1/tcp/4002/ws`
      if (chosenWeb !== undefined) throw new UsageError(`--web serves the web app, but ${why}, or pass --web off`)
      log.warn(`not serving the web app: ${why}`)
      webValue = undefined
    }
    const data = (args.values.data as string | undefined) ?? io.env.SLURP_DATA ?? join(dir.path, 'relay')
    const running = await startRelayServer({
      dir,
      listen,
      announce: announceFrom(listFrom(args, io, 'announce', 'SLURP_ANNOUNCE', [])),
      ...(httpValue === 'off' ? {} : { http: hostPort(httpValue, '--http') }),
      data,
      bootstrap: listFrom(args, io, 'bootstrap', 'SLURP_BOOTSTRAP', []),
      ...certificateOption((args.values.certificate as string | undefined) ?? io.env.SLURP_RELAY_CERTIFICATE),
      ...minFreeOption((args.values['min-free'] as string | undefined) ?? io.env.SLURP_MIN_FREE_MB),
      ...(webValue === undefined || webValue === 'off' ? {} : { web: webValue }),
      ...scheduledBackupFrom(args.values, io.env, log),
      ...connectionLimitsFrom(args.values, io.env)
    })
    let coordinator: CoordinatorRuntime | undefined
    if (args.values.coordinator === true) {
      try {
        coordinator = await startCoordinatorRuntime({
          ...await coordinatorOptionsFrom(args, io, dir, log),
          bootstrap: [running.multiaddrs[0] as string],
          listen: listFrom(args, io, 'coordinator-listen', 'SLURP_COORDINATOR_LISTEN', DEFAULT_COORDINATOR_LISTEN),
          data: join(data, 'coordinator'),
          // Its elections and term changes go in this relay's audit log (its checkpoints, witnesses, /v1/audit/*).
          audit: running.relay.audit
        })
      } catch (error) {
        await running.stop()
        throw error
      }
    }
    io.stdout(`${JSON.stringify({ event: 'ready', peerId: running.peerId, multiaddrs: running.multiaddrs, http: running.httpUrl ?? null, ...(coordinator === undefined ? {} : { coordinator: { peerId: coordinator.peerId, multiaddrs: coordinator.multiaddrs } }) })}\n`)
    const activity = logRelayActivity(running.relay, log)
    await new Promise<void>(resolve => {
      const stop = (signal: string): void => {
        activity.stop()
        io.stderr(`slurp relay: ${signal}: stopping\n`)
        // The voter first: its last writes go through this relay.
        const stopped = (coordinator?.stop() ?? Promise.resolve()).then(async () => { await running.stop() })
        stopped.then(resolve, error => { io.stderr(`slurp relay: stop failed: ${(error as Error).message}\n`); resolve() })
      }
      process.once('SIGINT', () => { stop('SIGINT') })
      process.once('SIGTERM', () => { stop('SIGTERM') })
    })
    if (running.relay.stopTimedOut) {
      io.stderr('slurp relay: libp2p did not finish closing its listeners in time (a known Bun WebSockets issue); the record store was closed cleanly\n')
    }
    printJson(io, { event: 'stopped', peerId: running.peerId })
  }
}

/** --announce values, each checked to be a multiaddr now rather than failing inside libp2p. */
function announceFrom (values: string[]): string[] {
  for (const value of values) {
    try {
      multiaddr(value)
    } catch (error) {
      throw new UsageError(`--announce takes multiaddrs such as /dns4/relay.example.com/tcp/443/wss, not "${value}": ${(error as Error).message}`)
    }
  }
  return values
}

/**
 * The web app vite built into dist/web, found from this file whether it runs
 * built (dist/relay/commands) or from source (relay/commands, on Bun or Deno).
 * Only a built folder has assets/: the source web/ never gets served.
 */
function builtWebApp (): string | undefined {
  for (const relative of ['../../web/', '../../dist/web/']) {
    const folder = fileURLToPath(new URL(relative, import.meta.url))
    if (existsSync(join(folder, 'assets')) && existsSync(join(folder, 'index.html'))) return folder
  }
  return undefined
}

function minFreeOption (value: string | undefined): { minFreeBytes?: number } {
  if (value === undefined || value === '') return {}
  const megabytes = Number(value)
  if (!Number.isFinite(megabytes) || megabytes < 0) throw new UsageError(`--min-free takes megabytes (a number ≥ 0), not "${value}"`)
  return { minFreeBytes: Math.round(megabytes * 1024 * 1024) }
}

function certificateOption (value: string | undefined): { certificate?: string } {
  return value === undefined || value === '' ? {} : { certificate: value }
}
