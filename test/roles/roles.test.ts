import { describe, expect, it } from 'vitest'
import { UnknownRoleError } from '../../src/errors.ts'
import { DEFAULT_WRITE_RULES, compareAuthority, mayWrite } from '../../src/roles/authority.ts'
import { DEFAULT_ROLES } from '../../src/roles/defaults.ts'
import { readableBy, readersOf } from '../../src/roles/role.ts'

const roles = Object.fromEntries(DEFAULT_ROLES.map(role => [role.name, role]))

describe('roles', () => {
  it('authority levels are ordered master > decision > coordination > suggestion > read_only', () => {
    expect(compareAuthority('master', 'decision')).toBeGreaterThan(0)
    expect(compareAuthority('suggestion', 'coordination')).toBeLessThan(0)
    expect(compareAuthority('read_only', 'read_only')).toBe(0)
  })

  it('default write rules follow the authority levels', () => {
    expect(mayWrite(DEFAULT_WRITE_RULES, 'read_only', 'suggestion')).toBe(false)
    expect(mayWrite(DEFAULT_WRITE_RULES, 'suggestion', 'suggestion')).toBe(true)
    expect(mayWrite(DEFAULT_WRITE_RULES, 'suggestion', 'context')).toBe(false)
    for (const type of ['context', 'decision', 'suggestion'] as const) {
      expect(mayWrite(DEFAULT_WRITE_RULES, 'decision', type)).toBe(true)
      expect(mayWrite(DEFAULT_WRITE_RULES, 'master', type)).toBe(true)
    }
  })

  it('readersOf includes the writer, "*" readers and explicit readers only', () => {
    expect(readersOf(roles, 'devops_engineer')).toEqual(['admin', 'backend_developer', 'devops_engineer', 'project_manager', 'security_engineer', 'senior_architect'])
    for (const writer of Object.keys(roles)) {
      const readers = readersOf(roles, writer)
      expect(readers).toContain(writer)
      expect(readers).toContain('admin')
      expect(readers).toEqual([...readers].sort())
    }
    expect(() => readersOf(roles, 'ghost')).toThrow(UnknownRoleError)
  })

  it('readableBy is the inverse of readersOf', () => {
    for (const reader of Object.keys(roles)) {
      for (const writer of Object.keys(roles)) {
        expect(readableBy(roles, reader).includes(writer)).toBe(readersOf(roles, writer).includes(reader))
      }
    }
  })

  it('the default set covers the seed roles and has a read_only role', () => {
    for (const name of ['admin', 'senior_architect', 'project_manager', 'backend_developer', 'frontend_developer', 'devops_engineer', 'security_engineer', 'qa_engineer']) {
      expect(roles[name]).toBeDefined()
    }
    expect(DEFAULT_ROLES.some(role => role.authority === 'read_only')).toBe(true)
    expect(DEFAULT_ROLES.some(role => role.canDecrypt.includes('*'))).toBe(true)
  })
})
