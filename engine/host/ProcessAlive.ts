import process from "node:process"

/**
 * Whether the process `pid` is still running on this host (EPERM: it runs, as another user). What a run's monitor
 * and a buffer's writer are judged by when their lease is held on the same host.
 */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === "EPERM"
  }
}
