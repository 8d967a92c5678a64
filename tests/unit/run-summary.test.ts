import { describe, expect, it } from 'vitest';
import { emptySummary, type JobSummary } from '../../src/jobs/context.js';
import { describeRuns } from '../../src/jobs/run-summary.js';

const summary = (s: Partial<JobSummary>): JobSummary => ({ ...emptySummary(), ...s });

describe('the status line of an explicit run', () => {
  it('counts weekly messages by kind and alerts apart, and says which week the schedule had skipped', () => {
    const line = describeRuns([
      { job: 'rep-nudges', summary: summary({ sent: 12, revived: 12, revivedWeeks: ['2026-11-16'] }) },
      { job: 'manager-digests', summary: summary({ sent: 1, revived: 1, revivedWeeks: ['2026-11-16'] }) },
      { job: 'team-recaps', summary: summary({ sent: 1 }) },
      { job: 'alert-scan', summary: summary({ sent: 3, held: 2 }) },
    ]);
    expect(line).toBe(
      'Sent 14 weekly messages (12 nudges, 1 digest, 1 recap) and 3 alerts. The week of 16 Nov 2026 had been skipped by the schedule (past the grace window); delivered now. 2 alerts held back by the daily cap.',
    );
  });

  it('names every skipped week, says failures, and says when nothing was sent', () => {
    expect(describeRuns([{ job: 'rep-nudges', summary: summary({ sent: 2, failed: 1, revived: 2, revivedWeeks: ['2026-11-15', '2026-11-16'] }) }])).toBe(
      'Sent 2 weekly messages (2 nudges). The weeks of 15 Nov 2026 and 16 Nov 2026 had been skipped by the schedule (past the grace window); delivered now. 1 failed.',
    );
    expect(describeRuns([{ job: 'alert-scan', summary: summary({ sent: 1 }) }])).toBe('Sent 1 alert.');
    expect(
      describeRuns([
        { job: 'team-recaps', summary: summary({}) },
        { job: 'alert-scan', summary: summary({}) },
      ]),
    ).toBe('Sent 0 weekly messages and 0 alerts.');
  });
});
