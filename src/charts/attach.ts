import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import { cadenceAltText, resultsAltText } from './from-report.js';
import { renderCadenceChart, renderResultsChart, type CadenceChartInput, type ResultsChartInput } from './render.js';
import { uploadChart, type UploadOptions } from './upload.js';

/**
 * Charts for a message or a view, rendered and uploaded, each failure logged and skipped: a
 * chart must never stop the message it illustrates.
 */

export type ChartSpec = { kind: 'cadence'; input: CadenceChartInput } | { kind: 'results'; input: ResultsChartInput };

/** An uploaded chart, as the renderers take it. */
export interface AttachedChart {
  fileId: string;
  altText: string;
  title: string;
}

export const cadenceChart = (input: CadenceChartInput | null): ChartSpec | null => (input ? { kind: 'cadence', input } : null);
export const resultsChart = (input: ResultsChartInput | null): ChartSpec | null => (input ? { kind: 'results', input } : null);

/** The PNG and its alt text. */
export async function renderChart(spec: ChartSpec): Promise<{ png: Buffer; altText: string; title: string }> {
  return spec.kind === 'cadence'
    ? { png: await renderCadenceChart(spec.input), altText: cadenceAltText(spec.input), title: spec.input.title }
    : { png: await renderResultsChart(spec.input), altText: resultsAltText(spec.input), title: spec.input.title };
}

/**
 * Files already uploaded, by API URL, token and PNG bytes: charts are deterministic, so a view
 * published again with the same numbers (every App Home open) reuses the file instead of
 * uploading a copy. In-process; the oldest are forgotten past the cap.
 */
const uploaded = new Map<string, string>();
const MAX_REMEMBERED = 1000;

const cacheKey = (client: WebClient, png: Buffer) =>
  createHash('sha256')
    .update(client.slackApiUrl)
    .update('\0')
    .update(client.token ?? '')
    .update('\0')
    .update(png)
    .digest('hex');

/** Forgets a reused file (Slack refused a block naming it: deleted, say). */
export function forgetUploadedChart(fileId: string): void {
  for (const [key, id] of uploaded) if (id === fileId) uploaded.delete(key);
}

export interface AttachOptions {
  logger: Logger;
  /** Start of the file names ("team-recap" → team-recap-1.png). */
  filename: string;
  /** Reuse a file uploaded before with the same bytes (App Home); a fresh file otherwise. */
  reuse?: boolean;
  upload?: UploadOptions;
}

/** Renders and uploads each chart, in order; those that fail are logged and left out. */
export async function attachCharts(client: WebClient, specs: readonly (ChartSpec | null)[], options: AttachOptions): Promise<AttachedChart[]> {
  const attached: AttachedChart[] = [];
  let index = 0;
  for (const spec of specs) {
    if (!spec) continue;
    index++;
    try {
      const chart = await renderChart(spec);
      const key = options.reuse ? cacheKey(client, chart.png) : null;
      let fileId = key ? uploaded.get(key) : undefined;
      if (!fileId) {
        ({ fileId } = await uploadChart(client, { png: chart.png, filename: `${options.filename}-${index}.png`, title: chart.title, altText: chart.altText }, options.upload));
        if (key) {
          uploaded.set(key, fileId);
          const oldest = uploaded.keys().next();
          if (uploaded.size > MAX_REMEMBERED && !oldest.done) uploaded.delete(oldest.value);
        }
      }
      attached.push({ fileId, altText: chart.altText, title: chart.title });
    } catch (err) {
      options.logger.warn({ err, chart: spec.kind }, 'chart not attached; the message goes without it');
    }
  }
  return attached;
}
