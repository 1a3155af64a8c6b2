// The `tyger` entry point past bin.mjs (Bun and Deno may run it directly). `tyger --version` is answered early only by
// bin.mjs, which must start as fast as a bare runtime; here it is the `--version` command's (cli/root/version.ts).
// Every command loads clipanion, and Effect only once a command runs.
const argv = process.argv.slice(2)

const [group, name] = argv
if ((group === "run" || group === "runs") && (name === "exec" || name === "monitor")) {
  // This process hosts a run's monitor. libuv reads the size of its threadpool once, when it is first used, which
  // has not happened yet: module loading reads files synchronously.
  const { MONITOR_PROCESS_ENV } = await import("../engine/runs/MonitorLauncher.ts")
  for (const [key, value] of Object.entries(MONITOR_PROCESS_ENV)) process.env[key] ??= value
}
const Cli = await import("./Cli.ts")
const code = await Cli.run(argv, { cwd: process.cwd() })
// Exit explicitly, as Tyger does: a transfer stopped while stdin is still open leaves a thread blocked reading it,
// and the runtime would wait for it forever. Output already written to pipes is flushed first.
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write("", () => resolve()))
await Promise.all([flushed(process.stdout), flushed(process.stderr)])
process.exit(code)
