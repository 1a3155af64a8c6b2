/** A one-shot signal for promise-based FIFO code: `open()` once, observed by promise (`promise`) or flag (`done`). */
export class Latch {
  done = false
  readonly promise: Promise<void>
  private release!: () => void
  constructor() {
    this.promise = new Promise<void>((resolve) => (this.release = resolve))
  }
  open(): void {
    this.done = true
    this.release()
  }
}
