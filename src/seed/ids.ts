/**
 * Ids of seeded leads, deals and events. They carry the seed and the rep's code, so two seeds
 * never collide in one workspace and re-running a seed stores nothing twice (same ids, same
 * content: duplicates). Planted subjects end in p1–p3 so a figure can be traced to its plant.
 */
export const leadId = (seed: number, repCode: string, n: number | string) => `L-${seed}-${repCode}-${n}`;
export const dealId = (seed: number, repCode: string, n: number | string) => `D-${seed}-${repCode}-${n}`;
export const eventId = (seed: number, repCode: string, n: number) => `E-${seed}-${repCode}-${String(n).padStart(6, '0')}`;
