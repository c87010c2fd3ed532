import { ROLE_NAME } from '../roles/role.ts'

/** What a split escrows: the network root key, or one role's age identity. */
export type EscrowSubject = 'root' | `role:${string}`

export function roleSubject (role: string): EscrowSubject {
  return `role:${role}`
}

/** The role a subject names, or undefined for the root. */
export function subjectRole (subject: EscrowSubject): string | undefined {
  return subject === 'root' ? undefined : subject.slice('role:'.length)
}

export function isEscrowSubject (value: unknown): value is EscrowSubject {
  if (value === 'root') return true
  return typeof value === 'string' && value.startsWith('role:') && ROLE_NAME.test(value.slice('role:'.length))
}
