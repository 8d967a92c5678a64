/**
 * Names of seeded deals, leads and accounts, and their record pages (docs/metrics.md "Events", rev 2:
 * people read names, not ids). Each is a pure function of the seed and the record's id, so it
 * draws nothing from the reps' random streams and a record is named the same wherever it appears.
 */
import { createRng } from './rng.js';

const COMPANY = [
  'Acme',
  'Northwind',
  'Bluebird',
  'Summit',
  'Harbor',
  'Redwood',
  'Ironclad',
  'Lumen',
  'Cobalt',
  'Meridian',
  'Pioneer',
  'Sterling',
  'Evergreen',
  'Granite',
  'Beacon',
  'Atlas',
  'Juniper',
  'Orchid',
  'Falcon',
  'Vertex',
  'Keystone',
  'Silverline',
  'Brightwater',
  'Oakridge',
];
const INDUSTRY = [
  'Logistics',
  'Health',
  'Foods',
  'Analytics',
  'Manufacturing',
  'Retail',
  'Energy',
  'Labs',
  'Insurance',
  'Media',
  'Freight',
  'Dental',
  'Hotels',
  'Robotics',
  'Capital',
  'Pharma',
  'Construction',
  'Telecom',
];
const FIRST = ['Jo', 'Alex', 'Sam', 'Maria', 'Chen', 'Aisha', 'Lukas', 'Priya', 'Tom', 'Ines', 'Kofi', 'Mei', 'Oscar', 'Lena', 'Ravi', 'Sara'];
const LAST = ['Park', 'Meyer', 'Osei', 'Lindqvist', 'Rao', 'Moreau', 'Ibarra', 'Novak', 'Kaplan', 'Okoro', 'Berg', 'Sousa', 'Hale', 'Mori'];
const DEAL_KIND = ['seats', 'seats', 'seats', 'renewal', 'pilot', 'expansion'] as const;
/** A seat's price, so a deal's seat count matches its amount. */
const SEAT_PRICE = 600;

/** FNV-1a of a string: picks a record's random stream from its id. */
function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

const rngFor = (seed: number, what: number, id: string) => createRng(seed, 5, what, hashId(id));

/** "Acme Logistics": the account a lead (or a deal without a lead) belongs to. */
export function accountNameOf(seed: number, recordId: string): string {
  const rng = rngFor(seed, 0, recordId);
  return `${rng.pick(COMPANY)} ${rng.pick(INDUSTRY)}`;
}

/** "Jo Park": the person a lead is. */
export function leadNameOf(seed: number, leadId: string): string {
  const rng = rngFor(seed, 1, leadId);
  return `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
}

/** "Acme Logistics — 40 seats": the account and what is being sold, sized by the amount. */
export function dealNameOf(seed: number, dealId: string, account: string, amount: number): string {
  const kind = rngFor(seed, 2, dealId).pick(DEAL_KIND);
  if (kind !== 'seats') return `${account} — ${kind}`;
  return `${account} — ${Math.max(5, Math.round(amount / SEAT_PRICE / 5) * 5)} seats`;
}

/** The record's page that the sandbox serves (src/sandbox/routes.ts, crm-page.ts), under `base` (its own address). */
export function recordUrl(base: string, kind: 'deal' | 'lead', id: string): string {
  return `${base.replace(/\/+$/, '')}/crm/${kind}s/${encodeURIComponent(id)}`;
}
