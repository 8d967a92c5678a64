/** The demo org the sandbox seeds on first run; tests measure message lengths on its largest team. */
export const DEMO_ORG = { reps: 24, weeks: 13, seed: 7 };
