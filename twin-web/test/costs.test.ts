import { describe, expect, it } from 'vitest';
import { monthSoFar } from '../src/shared/costs';

describe('month so far, in the site time zone', () => {
  it('runs from the first of the site-local month to tomorrow, exclusive', () => {
    // 23:30 UTC on 31 March is already 1 April in Berlin (CEST, UTC+2)
    expect(monthSoFar('Europe/Berlin', new Date('2026-03-31T23:30:00Z'))).toEqual({ from: '2026-04-01', to: '2026-04-02' });
    expect(monthSoFar('UTC', new Date('2026-03-31T23:30:00Z'))).toEqual({ from: '2026-03-01', to: '2026-04-01' });
  });

  it('steps over the DST change by calendar day', () => {
    // 29 March 2026 is the 23-hour day in Berlin
    expect(monthSoFar('Europe/Berlin', new Date('2026-03-28T23:30:00Z'))).toEqual({ from: '2026-03-01', to: '2026-03-30' });
  });
});
