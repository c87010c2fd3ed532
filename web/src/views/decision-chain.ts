import { h } from '../../../src/element/dom.ts'
import type { ContextItem, DecisionHit } from '../../../src/index.browser.ts'

const LINK_WORDS: Readonly<Record<string, string>> = {
  supersedes: 'supersedes',
  superseded_by: 'is superseded by',
  amends: 'amends',
  amended_by: 'is amended by',
  relates: 'relates to'
}

/** A decision item's own fields: status, what it affects, its links, when it was in force. */
export function decisionFields (item: ContextItem, open: (address: string) => void): HTMLElement | undefined {
  const decision = item.decision
  if (decision === undefined) return undefined
  return h('dl', { class: 'meta decision', 'data-testid': 'decision-fields' },
    h('dt', {}, 'Status'), h('dd', {}, h('span', { class: `badge status-${decision.status}` }, decision.status)),
    decision.affects.length > 0 && [h('dt', {}, 'Affects'), h('dd', {}, decision.affects.map(address => addressLink(address, open)))],
    decision.links.length > 0 && [h('dt', {}, 'Links'), h('dd', {}, decision.links.map(link => h('div', {}, `${LINK_WORDS[link.type] ?? link.type} `, addressLink(link.target, open))))],
    decision.rationale !== undefined && [h('dt', {}, 'Rationale'), h('dd', {}, decision.rationale)],
    decision.alternatives.length > 0 && [h('dt', {}, 'Alternatives'), h('dd', {}, h('ul', {}, decision.alternatives.map(alternative => h('li', {}, alternative))))],
    decision.decidedBy !== undefined && [h('dt', {}, 'Decided by'), h('dd', {}, decision.decidedBy)],
    (decision.validAt !== undefined || decision.invalidAt !== undefined) && [h('dt', {}, 'In force'), h('dd', {}, `${decision.validAt?.slice(0, 10) ?? '?'} → ${decision.invalidAt?.slice(0, 10) ?? 'now'}`)])
}

/**
 * The decisions that bear on the address read (decisionsFor), nearest first,
 * each with the chain of links that leads to it from one that affects it.
 */
export function decisionChains (hits: readonly DecisionHit[] | undefined, open: (address: string) => void): HTMLElement | undefined {
  if (hits === undefined || hits.length === 0) return undefined
  return h('section', { class: 'decisions', 'data-testid': 'decisions' },
    h('h4', {}, 'Decisions that bear on this'),
    h('ol', {}, hits.map(hit => h('li', { 'data-address': hit.address, 'data-hop': String(hit.hop) },
      h('span', { class: `badge status-${hit.status}` }, hit.status), ' ',
      addressLink(hit.address, open, hit.summary),
      h('span', { class: 'muted' }, ` · in force from ${hit.date.slice(0, 10)}`),
      h('div', { class: 'chain muted' }, hit.hop === 0
        ? `affects ${hit.affects.replace(/^ucxl:\/\//, '')}`
        : [`via ${hit.affects.replace(/^ucxl:\/\//, '')}: `, ...hit.chain.flatMap((step, i) => [i === 0 ? shortName(step.from) : '', ` ${LINK_WORDS[step.link] ?? step.link} `, shortName(step.to)])]))))
  )
}

function addressLink (address: string, open: (address: string) => void, label?: string): HTMLElement {
  return h('button', { class: 'link', title: address, onclick: () => { open(address) } }, label ?? address.replace(/^ucxl:\/\//, ''))
}

function shortName (address: string): string {
  return address.split('/').at(-1) ?? address
}
