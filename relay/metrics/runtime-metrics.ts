import { Registry, collectDefaultMetrics } from 'prom-client'

/**
 * prom-client's default metrics (process_* and nodejs_*) in a registry of
 * their own. They read Node APIs that Bun and Deno only partly implement:
 * measured on Bun 1.4 and Deno 2.9, every one registers and renders, but Bun
 * reports zeros for the V8 heap spaces and neither emits GC timings, and a
 * later release may stub something that throws. So setting them up and
 * rendering them are both guarded: a runtime metric that fails is dropped,
 * never the relay's own metrics or the /metrics page.
 */
export function collectRuntimeMetrics (): Registry {
  const registry = new Registry()
  try {
    collectDefaultMetrics({ register: registry })
  } catch {
    // Those registered before the failure stay; the relay's metrics do not depend on them.
  }
  return registry
}

/**
 * The registry's page, one metric at a time: one whose collection throws is
 * removed (a stub does not start working between scrapes) and the rest render.
 */
export async function renderGuarded (registry: Registry): Promise<string> {
  const parts: string[] = []
  for (const metric of registry.getMetricsAsArray()) {
    const name = (metric as unknown as { name: string }).name
    try {
      parts.push(await registry.getSingleMetricAsString(name))
    } catch {
      registry.removeSingleMetric(name)
    }
  }
  return parts.length === 0 ? '' : `${parts.join('\n\n')}\n`
}
