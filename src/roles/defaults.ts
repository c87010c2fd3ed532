import type { RoleDefinition } from './role.ts'

/**
 * The role set a new network starts with, drawn from the CHORUS/BZZZ seeds.
 * Developers read each other only where their work touches; architects,
 * managers, security and admins read everything.
 */
export const DEFAULT_ROLES: readonly RoleDefinition[] = [
  { name: 'admin', authority: 'master', canDecrypt: ['*'], description: 'Runs the network: policy, membership, keys' },
  { name: 'senior_architect', authority: 'decision', canDecrypt: ['*'], description: 'Makes and records architecture decisions' },
  { name: 'project_manager', authority: 'decision', canDecrypt: ['*'], description: 'Plans work; the elected leader acts in this role' },
  { name: 'security_engineer', authority: 'coordination', canDecrypt: ['*'], description: 'Audits everything for security' },
  { name: 'backend_developer', authority: 'coordination', canDecrypt: ['backend_developer', 'devops_engineer'], description: 'Server-side code and APIs' },
  { name: 'frontend_developer', authority: 'coordination', canDecrypt: ['frontend_developer', 'backend_developer'], description: 'User interfaces' },
  { name: 'devops_engineer', authority: 'coordination', canDecrypt: ['devops_engineer', 'backend_developer'], description: 'Deployment, infrastructure, CI' },
  { name: 'qa_engineer', authority: 'suggestion', canDecrypt: ['qa_engineer', 'backend_developer', 'frontend_developer'], description: 'Tests; suggests changes' },
  { name: 'observer', authority: 'read_only', canDecrypt: ['frontend_developer'], description: 'Reads product context; writes nothing' }
]
