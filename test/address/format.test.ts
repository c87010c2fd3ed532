import { describe, expect, it } from 'vitest'
import { InvalidAddressError } from '../../src/errors.ts'
import { formatAddress, parseAddress, type AddressFields } from '../../src/address/index.ts'

describe('formatAddress', () => {
  it.each<[AddressFields, string]>([
    [{ project: 'project123', segments: ['src', 'main.go'] }, 'ucxl://project123/src/main.go'],
    [{ project: 'project123', path: '/src/main.go' }, 'ucxl://project123/src/main.go'],
    [{ agent: 'agent001', role: 'backend_developer', project: 'project123', task: 'task456', segments: ['src', 'main.go'] },
      'ucxl://agent001:backend_developer@project123:task456/src/main.go'],
    [{ agent: 'agent001', project: 'project123', path: '/x' }, 'ucxl://agent001@project123/x'],
    [{ project: 'project123', task: 'task456', segments: ['docs'] }, 'ucxl://project123:task456/docs'],
    [{ project: 'p', segments: [] }, 'ucxl://p/'],
    [{ project: 'p', path: '/' }, 'ucxl://p/'],
    [{ project: 'p', path: '' }, 'ucxl://p/'],
    [{ agent: 'A', role: 'R', project: 'P', task: 'T', segments: ['X'] }, 'ucxl://a:r@p:t/X'],
    [{ agent: undefined, project: 'p', task: undefined, segments: ['a'] }, 'ucxl://p/a'],
    // segments are taken in percent-encoded form and normalised like a parsed path
    [{ project: 'p', segments: ['%7e', 'a%2fb', 'cafe\u0301', 'a b'.replace(' ', '%20'), 'x<y'] },
      'ucxl://p/~/a%2Fb/caf%C3%A9/a%20b/x%3Cy'],
    // both given and equivalent
    [{ project: 'p', segments: ['%41'], path: '/A' }, 'ucxl://p/A']
  ])('%j → %s', (fields, canonical) => {
    expect(formatAddress(fields)).toBe(canonical)
  })

  it('formats a parsed address back to its canonical form', () => {
    const address = parseAddress('UCXL://Agent001:Dev@Proj:Task/a/%7e/b%2f')
    expect(formatAddress(address)).toBe(address.canonical)
  })

  it('takes the fields, not a canonical property, as the truth', () => {
    const fields = { project: 'p', segments: ['a'], canonical: 'ucxl://other/' }
    expect(formatAddress(fields)).toBe('ucxl://p/a')
  })

  it.each<[unknown, RegExp]>([
    [{ role: 'r', project: 'p', path: '/' }, /a role needs an agent/],
    [{ agent: '', project: 'p', path: '/' }, /agent is empty/],
    [{ agent: '*', project: 'p', path: '/' }, /at index 0 of agent: wildcard '\*' is not allowed in agent/],
    [{ project: 'p:t', path: '/' }, /at index 1 of project: project contains ':' \(U\+003A\)/],
    [{ project: 'p', task: 'a/b', path: '/' }, /task contains '\/'/],
    [{ project: 42, path: '/' }, /project must be a string, got number/],
    [{ project: 'p' }, /segments or path is required/],
    [{ project: 'p', segments: 'a/b' }, /segments must be an array/],
    [{ project: 'p', segments: ['a', 7] }, /segments\[1\] must be a string/],
    [{ project: 'p', segments: ['src/main.go'] }, /at index 3 of segments\[0\]: '\/' inside a path segment/],
    [{ project: 'p', segments: ['a', ''] }, /at index 0 of segments\[1\]: empty path segment/],
    [{ project: 'p', segments: ['%2E%2e'] }, /path segment '\.\.' is not allowed/],
    [{ project: 'p', segments: ['a?'] }, /no query/],
    [{ project: 'p', segments: ['%'] }, /malformed percent-escape/],
    [{ project: 'p', path: 'a/b' }, /at index 0 of path: path must start with '\/'/],
    [{ project: 'p', path: '/a/' }, /trailing '\/'/],
    [{ project: 'p', path: '/a//b' }, /at index 3 of path: empty path segment \('\/\/'\)/],
    [{ project: 'p', path: 42 }, /path must be a string/],
    [{ project: 'p', segments: ['a'], path: '/b' }, /segments and path disagree/],
    [{ project: 'p', segments: ['x'.repeat(2100)] }, /canonical form is \d+ characters long/],
    [null, /expected an object/]
  ])('rejects %j', (fields, problem) => {
    expect(() => formatAddress(fields as AddressFields)).toThrow(InvalidAddressError)
    expect(() => formatAddress(fields as AddressFields)).toThrow(problem)
  })
})
