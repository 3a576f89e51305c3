/**
 * The tick scheduler: each tick runs the steps in their fixed order (institutional actors first,
 * then individuals, then recording). A step is one method; the model decides what each does.
 */
export interface Step {
  readonly name: string;
  step(tick: number): void;
}

export function runTicks(steps: readonly Step[], ticks: number, onTick?: (tick: number) => void): void {
  for (let tick = 0; tick < ticks; tick++) {
    for (const s of steps) s.step(tick);
    onTick?.(tick);
  }
}
