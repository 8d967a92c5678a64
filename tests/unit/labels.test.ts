import { describe, expect, it } from 'vitest';
import { unitOf } from '../../src/reports/labels.js';
import { performanceFigure } from '../../src/reports/text.js';

describe('units and performance figures in sentences', () => {
  it('writes one of a unit in the singular, whichever word carries the plural', () => {
    expect([unitOf('cadence.demo', 1), unitOf('cadence.demo', 2), unitOf('cadence.demo', 0)]).toEqual(['demo', 'demos', 'demos']);
    expect(unitOf('cadence.social_touch', 1)).toBe('social touch');
    expect(unitOf('cadence.opportunity_created', 1)).toBe('opportunity created');
    expect(unitOf('cadence.lead_assigned', 1)).toBe('lead assigned');
    expect(unitOf('pipeline_created', 1)).toBe('of pipeline');
  });

  it('writes the performance metric as what it measures', () => {
    expect(performanceFigure('booked_revenue', 155_988.5, 'USD')).toBe('$156K');
    expect(performanceFigure('win_rate', 0.314, 'USD')).toBe('31%');
    expect(performanceFigure('attainment', 1.05, 'USD')).toBe('105%');
    expect(performanceFigure('deals_won', 4, 'USD')).toBe('4 won');
    expect(performanceFigure('deals_won', null, 'USD')).toBe('—');
  });
});
