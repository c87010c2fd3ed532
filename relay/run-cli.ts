import { parseArgs } from 'node:util'
import { SlurpError, UsageError } from '../src/errors.ts'
import type { Command, CommandIO } from './command.ts'
import { certifyRelay } from './commands/certify-relay.ts'
import { decrypt } from './commands/decrypt.ts'
import { get } from './commands/get.ts'
import { encrypt } from './commands/encrypt.ts'
import { escrow } from './commands/escrow.ts'
import { init } from './commands/init.ts'
import { invite } from './commands/invite.ts'
import { keygen } from './commands/keygen.ts'
import { policy } from './commands/policy.ts'
import { put } from './commands/put.ts'
import { rotate } from './commands/rotate.ts'
import { revoke } from './commands/revoke.ts'
import { members } from './commands/members.ts'
import { relay } from './commands/relay.ts'
import { status } from './commands/status.ts'
import { decide } from './commands/decide.ts'
import { decisions } from './commands/decisions.ts'
import { log } from './commands/log.ts'
import { ls } from './commands/ls.ts'
import { mcp } from './commands/mcp.ts'
import { resolve } from './commands/resolve.ts'
import { search } from './commands/search.ts'
import { suggestions } from './commands/suggestions.ts'
import { exportCommand } from './commands/export.ts'
import { importCommand } from './commands/import.ts'
import { backup } from './commands/backup.ts'
import { audit } from './commands/audit.ts'
import { coordinator } from './commands/coordinator.ts'
import { generate } from './commands/generate.ts'
import { indexRepo } from './commands/index-repo.ts'
import { leader } from './commands/leader.ts'
import { voters } from './commands/voters.ts'
import { EXIT, exitCodeFor } from './exit-codes.ts'

const commands: readonly Command[] = [init, keygen, invite, policy, encrypt, decrypt, relay, certifyRelay, rotate, revoke, members, escrow, put, get, log, resolve, ls, search, importCommand, exportCommand, backup, audit, decide, decisions, suggestions, voters, coordinator, leader, generate, indexRepo, status, mcp]

function mainHelp (): string {
  const width = Math.max(...commands.map(c => c.name.length))
  return [
    'slurp — encrypted, role-scoped context for agents and people',
    '',
    'usage: slurp <command> [options]',
    '',
    'commands:',
    ...commands.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --dir DIR (default .slurp, or $SLURP_DIR) and --help.',
    'Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 access denied, 5 invalid input, 6 network.'
  ].join('\n') + '\n'
}

function commandHelp (command: Command): string {
  return `usage: ${command.usage}\n\n${command.summary}\n\n${command.details}\n`
}

export async function runCli (argv: readonly string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(mainHelp())
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  if (name === '--version') {
    io.stdout('slurp 0.1.0\n')
    return EXIT.ok
  }
  const command = commands.find(c => c.name === name)
  try {
    if (command === undefined) throw new UsageError(`unknown command "${name}"; run "slurp --help" for the list`)
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(commandHelp(command))
      return EXIT.ok
    }
    let parsed
    try {
      parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: command.allowPositionals ?? false, strict: true })
    } catch (error) {
      throw new UsageError(`${(error as Error).message}\nusage: ${command.usage}`)
    }
    await command.run(parsed, io)
    return EXIT.ok
  } catch (error) {
    const label = error instanceof SlurpError ? error.name : 'Error'
    io.stderr(`slurp ${name}: ${label}: ${(error as Error).message}\n`)
    if (!(error instanceof SlurpError) && io.env.SLURP_DEBUG !== undefined) io.stderr(`${(error as Error).stack ?? ''}\n`)
    return exitCodeFor(error)
  }
}
