/** The one place that reads the wall clock, so tests and sweeps can reason about "now". */
export const clock = {
  now: (): Date => new Date(),
  epochSeconds: (): number => Math.floor(Date.now() / 1000),
};
