/**
 * One prom-client registry, served in either text format. prom-client keeps
 * exemplars only on a registry made for OpenMetrics, so the metrics live
 * there; the Prometheus text format is rendered from the same metrics through
 * a registry of adapters that give counters their `_total` name (OpenMetrics
 * adds it per sample; Prometheus text needs it in the name). Series names
 * are therefore the same whichever format a scraper asks for.
 */
import { Registry, type OpenMetricsContentType, type PrometheusContentType } from 'prom-client';

export const OPENMETRICS = Registry.OPENMETRICS_CONTENT_TYPE;
export const PROMETHEUS_TEXT = Registry.PROMETHEUS_CONTENT_TYPE;
export type OpenMetricsRegistry = Registry<OpenMetricsContentType>;

// prom-client's typings omit the constructor's content-type argument.
const RegistryOf = Registry as unknown as {
  new (type: OpenMetricsContentType): OpenMetricsRegistry;
  new (type: PrometheusContentType): Registry<PrometheusContentType>;
};

export class MetricsRegistry {
  /** Register every metric here (metrics with exemplars need this registry). */
  readonly registry: OpenMetricsRegistry = new RegistryOf(OPENMETRICS);

  /** The format a scraper's Accept header asks for: OpenMetrics only when named. */
  static contentTypeFor(accept: string | undefined): string {
    return accept && /application\/openmetrics-text/i.test(accept) ? OPENMETRICS : PROMETHEUS_TEXT;
  }

  async render(contentType: string): Promise<string> {
    if (contentType === OPENMETRICS) return this.registry.metrics();
    const text = new RegistryOf(PROMETHEUS_TEXT);
    for (const m of this.registry.getMetricsAsArray()) text.registerMetric(prometheusView(m as unknown as PromSource) as never);
    return text.metrics();
  }
}

interface PromData { name: string; type: string; values?: { metricName?: string }[] }
interface PromSource { name: string; type?: string; getForPromString?: () => Promise<PromData>; get: () => Promise<PromData> }

function prometheusView(m: PromSource) {
  const read = async () => {
    const data = await (m.getForPromString ? m.getForPromString() : m.get());
    // An OpenMetrics render strips a counter's _total from its name; put it back.
    return data.type === 'counter' ? { ...data, name: `${data.name.replace(/_total$/, '')}_total` } : data;
  };
  return { name: m.name, getForPromString: read, get: read };
}
