import { join } from 'node:path'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command, CommandIO, ParsedArgs } from '../command.ts'
import { startCoordinatorRuntime } from '../coordinator-runtime.ts'
import type { CoordinatorRuntimeOptions } from '../coordinator-runtime.ts'
import { GENERATOR_HELP, GENERATOR_OPTIONS, generatorFrom } from '../generator-choice.ts'
import { createLogger, parseLogLevel } from '../log.ts'
import type { Logger } from '../log.ts'
import { NetworkDir } from '../network-dir.ts'
import { hostPort, listFrom, positiveInt } from '../options.ts'

export const DEFAULT_COORDINATOR_LISTEN = ['/ip4/127.0.0.1/tcp/4091']

/** What `slurp coordinator` and `slurp relay --coordinator` share: the voters, the generator, the log lines. */
export async function coordinatorOptionsFrom (args: ParsedArgs, io: CommandIO, dir: NetworkDir, log: Logger): Promise<Pick<CoordinatorRuntimeOptions, 'dir' | 'voterAddrs' | 'generator' | 'onWarning' | 'concurrency' | 'onEvent'>> {
  return {
    dir,
    voterAddrs: listFrom(args, io, 'voter', 'SLURP_VOTERS', []),
    generator: await generatorFrom(args.values, io.env, message => { log.warn(message) }),
    onWarning: message => { log.warn(message) },
    concurrency: positiveInt(args.values.concurrency, '--concurrency', 4),
    onEvent: event => {
      if (event.type === 'leader') log.info(`term ${event.term}: leader ${event.leader}`)
      else if (event.type === 'generation') {
        const line = `term ${event.term}: ${event.requestId} ${event.outcome} in ${Math.round(event.ms)} ms${event.error === undefined ? '' : `: ${event.error.message}`}`
        if (event.outcome === 'done') log.debug(line)
        else log.warn(line)
      } else if (event.type === 'failed') log.error(`stopped: ${event.error.message}`)
    }
  }
}

export const coordinator: Command = {
  name: 'coordinator',
  summary: 'run a generation voter: elects the leader with the other voters; the leader generates requested context',
  usage: 'slurp coordinator [--dir .slurp] [--listen MA]... [--voter MA]... [--data PATH] [--http HOST:PORT|off] [--bootstrap MA]... [--generator static|llm] [--concurrency N] [--log-level L]',
  details: [
    'This directory\'s member must be one of the policy\'s voters ("slurp voters") and hold',
    'its leader role. Voters elect one leader (Raft); requests ("slurp generate", "slurp',
    'index") are acknowledged once a majority has them in its log, so a leader that dies',
    'loses none: the next one finishes its work. The leader writes each result as the leader',
    'role for the requested role, stamped with its term: relays refuse a deposed leader\'s.',
    `Defaults: --listen ${DEFAULT_COORDINATOR_LISTEN.join(',')}, --data DIR/coordinator, relays from`,
    '--bootstrap or those running from --dir. Other voters: --voter MULTIADDR/p2p/ID, and those',
    'running from the same directory. Environment: SLURP_COORDINATOR_LISTEN, SLURP_VOTERS.',
    '--http HOST:PORT (default off; SLURP_COORDINATOR_HTTP) serves /health (503 while no leader is',
    'known), /status (what "slurp leader" prints) and Prometheus /metrics: elections, term, queue',
    'depth by priority, generations by outcome and their latency. The voter notes its elections and',
    'term changes in a signed audit log under --data/audit, served at /v1/audit/* ("slurp audit tail',
    '--relay URL" reads it).',
    GENERATOR_HELP,
    'Prints {"event":"ready",…} once it serves; logs elections and generations to stderr.',
    'Stops cleanly on SIGINT or SIGTERM.'
  ].join('\n'),
  options: {
    ...DIR_OPTION,
    ...GENERATOR_OPTIONS,
    listen: { type: 'string', short: 'l', multiple: true },
    voter: { type: 'string', multiple: true },
    data: { type: 'string' },
    http: { type: 'string' },
    bootstrap: { type: 'string', short: 'b', multiple: true },
    concurrency: { type: 'string' },
    'log-level': { type: 'string' }
  },
  async run (args, io) {
    const dir = new NetworkDir(dirFrom(args, io))
    const log = createLogger({ level: parseLogLevel((args.values['log-level'] as string | undefined) ?? io.env.SLURP_LOG_LEVEL), write: line => { io.stderr(line) } })
    const httpValue = (args.values.http as string | undefined) ?? io.env.SLURP_COORDINATOR_HTTP ?? 'off'
    const running = await startCoordinatorRuntime({
      ...await coordinatorOptionsFrom(args, io, dir, log),
      bootstrap: listFrom(args, io, 'bootstrap', 'SLURP_BOOTSTRAP', []),
      listen: listFrom(args, io, 'listen', 'SLURP_COORDINATOR_LISTEN', DEFAULT_COORDINATOR_LISTEN),
      data: (args.values.data as string | undefined) ?? join(dir.path, 'coordinator'),
      ...(httpValue === 'off' ? {} : { http: hostPort(httpValue, '--http') })
    })
    io.stdout(`${JSON.stringify({ event: 'ready', peerId: running.peerId, multiaddrs: running.multiaddrs, http: running.httpUrl ?? null })}\n`)
    await new Promise<void>(resolve => {
      const stop = (signal: string): void => {
        io.stderr(`slurp coordinator: ${signal}: stopping\n`)
        running.stop().then(resolve, error => { io.stderr(`slurp coordinator: stop failed: ${(error as Error).message}\n`); resolve() })
      }
      process.once('SIGINT', () => { stop('SIGINT') })
      process.once('SIGTERM', () => { stop('SIGTERM') })
    })
    printJson(io, { event: 'stopped', peerId: running.peerId })
  }
}
