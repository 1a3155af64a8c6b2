import { Effect, Stream } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import type * as CodespecDocument from "../../model/CodespecDocument.ts"
import * as Expand from "../../model/Expand.ts"
import * as Plan from "../../engine/plan/Plan.ts"
import { ProviderError, type RunRequest } from "../../engine/runs/Provider.ts"
import * as RunDocumentFromPlan from "../../engine/runs/RunDocumentFromPlan.ts"
import * as WorkerTopology from "../../engine/plan/WorkerTopology.ts"
import { type ContainerSpec, DockerClient } from "./DockerClient.ts"
import type { DockerError } from "./DockerError.ts"
import * as Fifo from "./internal/Fifo.ts"
import * as Naming from "./internal/Naming.ts"
import type { PullProgress } from "./internal/Schemas.ts"

export const PROVIDER = "docker"

/** Tyger's texts. */
export const imageMissing = (image: string) =>
  `The image '${image}' was not found on the system. Run \`docker pull ${image}\` and try again.`
export const NO_NVIDIA_RUNTIME =
  "The Docker engine does not have the NVIDIA runtime installed, which is required for GPU support."

export const providerError = (reason: ProviderError["reason"], message: string, cause?: unknown) =>
  new ProviderError({ provider: PROVIDER, reason, message, ...(cause === undefined ? {} : { cause }) })

/** A DockerError as the engine-neutral ProviderError, keeping the engine's message. */
export const fromDocker = (error: DockerError): ProviderError =>
  providerError(
    error.reason === "BadRequest" ? "Unknown" : error.reason === "ImageMissing" ? "ImageMissing" : error.reason,
    error.message,
    error
  )

export const jobCodespec = (request: Pick<RunRequest, "plan" | "run">): Plan.Codespec =>
  Plan.codespecById(request.plan).get(request.run.job.codespec)!

const nonEmpty = <A>(values: ReadonlyArray<A> | undefined): ReadonlyArray<A> | undefined =>
  values !== undefined && values.length > 0 ? values : undefined

const gpuCount = (spec: CodespecDocument.Spec): number => Math.ceil(spec.resources?.gpu?.toNumber() ?? 0)

/**
 * What Tyger's Docker mode leaves out is applied here, as Kubernetes would: cpu limit → CPU quota, cpu request →
 * relative weight, memory limit → hard limit without swap (so exceeding it is an OOM kill, not slow swapping), memory
 * request → soft limit, `gpu` → that many NVIDIA devices, `shm` → /dev/shm size (absent: Docker's 64 MiB).
 */
export const hostResources = (spec: CodespecDocument.Spec): NonNullable<ContainerSpec["HostConfig"]> => {
  const resources = spec.resources
  const cpuLimit = resources?.limits?.cpu
  const cpuRequest = resources?.requests?.cpu
  const memoryLimit = resources?.limits?.memory
  const memoryRequest = resources?.requests?.memory
  const gpus = gpuCount(spec)
  return {
    ...(cpuLimit === undefined ? {} : { NanoCpus: Number(cpuLimit.toMilli()) * 1_000_000 }),
    ...(cpuRequest === undefined ? {} : { CpuShares: Math.max(2, Math.round(Number(cpuRequest.toMilli()) * 1024 / 1000)) }),
    ...(memoryLimit === undefined ? {} : { Memory: Number(memoryLimit.toBytes()), MemorySwap: Number(memoryLimit.toBytes()) }),
    ...(memoryRequest === undefined ? {} : { MemoryReservation: Number(memoryRequest.toBytes()) }),
    ...(gpus > 0 ? { DeviceRequests: [{ Driver: "nvidia", Count: gpus, Capabilities: [["gpu"]] }] } : {}),
    ...(resources?.shm === undefined ? {} : { ShmSize: Number(resources.shm.toBytes()) })
  }
}

export interface CreatorOptions {
  readonly dataDir: string
  readonly instance: string
  /** Added to every container (tests label what they create). */
  readonly labels: { readonly [key: string]: string }
}

/**
 * The program of a container: `command` → Entrypoint and `args` → Cmd, expanded against its env and only when given
 * (an entrypoint given without args runs without the image's CMD, as on Kubernetes).
 */
export const program = (spec: CodespecDocument.Spec, env: ReadonlyArray<readonly [string, string]>) => {
  const command = nonEmpty(spec.command)
  const args = nonEmpty(spec.args)
  return {
    Image: spec.image!,
    ...(command === undefined ? {} : { Entrypoint: Expand.expandAll(command, env) }),
    ...(args === undefined ? {} : { Cmd: Expand.expandAll(args, env) }),
    Env: env.map(([name, value]) => `${name}=${value}`),
    ...(spec.workingDir === undefined || spec.workingDir === "" ? {} : { WorkingDir: spec.workingDir })
  } satisfies ContainerSpec
}

/** The buffer parameters a socket carries: they have no pipe (nor `<P>_PIPE`), the socket adapter streams them. */
export const socketBound = (spec: CodespecDocument.Spec): ReadonlySet<string> =>
  new Set((spec.sockets ?? []).flatMap((s) => [s.inputBuffer ?? "", s.outputBuffer ?? ""].filter((b) => b !== "")))

/** The job's buffer parameters that flow through pipes (not a socket's), as createPipes and the env name them. */
export const pipedParameters = (request: Pick<RunRequest, "plan" | "run">): ReadonlyArray<string> => {
  const bound = socketBound(jobCodespec(request).spec)
  return RunDocumentFromPlan.parameters(request.plan, request.run).map((p) => p.name).filter((p) => !bound.has(p))
}

/** Where one job container goes: its replica, and for a distributed run the workers it is told about. */
export interface JobPlacement {
  readonly replica: number
  readonly workers?: { readonly network: string; readonly topology: WorkerTopology.WorkerTopology }
}

/**
 * A job container of a run, as Tyger's DockerRunCreator builds the main one: codespec env, the `<P>_PIPE` variables
 * (none for a socket's buffers), then (distributed) the workers' variables, expanded with Kubernetes' `$(VAR)` rules;
 * its program; the replica's pipes directory mounted at Tyger's path. No restart policy: runs are never restarted. A
 * job without workers is on Docker's default bridge, whose address the monitor's socket adapters dial.
 */
export const containerSpec = (
  request: RunRequest,
  options: CreatorOptions,
  placement: JobPlacement = { replica: 0 }
): ContainerSpec => {
  const { spec } = jobCodespec(request)
  const parameters = RunDocumentFromPlan.parameters(request.plan, request.run).map((p) => p.name)
  const workers = placement.workers
  const env = Expand.expandEnvironment([
    ...Object.entries(spec.env ?? {}),
    ...Naming.pipeVariables(request.runId, pipedParameters(request)),
    ...(workers === undefined ? [] : WorkerTopology.jobEnv(workers.topology, request.run.job.env))
  ])
  const role = Naming.roleOf("job", placement.replica, replicasOf(request.run))
  return {
    ...program(spec, env),
    ...(workers === undefined ? {} : { Hostname: Naming.jobHost(request.runId, placement.replica) }),
    Labels: { ...options.labels, ...Naming.jobLabelsOf(options.instance, request.runId, role, parameters.length > 0) },
    HostConfig: {
      Binds: [`${Naming.pipesDir(options.dataDir, request.runId, placement.replica)}:${Naming.containerPipesDir(request.runId)}`],
      ...(workers === undefined ? {} : { NetworkMode: workers.network }),
      ...hostResources(spec)
    }
  }
}

/** How many containers each side of a run has (Tyger's log prefixes depend on both). */
export const replicasOf = (run: Plan.Run): { readonly job: number; readonly worker: number } => ({
  job: run.job.replicas,
  worker: run.worker?.replicas ?? 0
})

const formatProgress = (event: PullProgress): string | undefined => {
  if (event.status === undefined) return undefined
  const id = event.id === undefined ? "" : `${event.id}: `
  return `${id}${event.status}${event.progress === undefined ? "" : ` ${event.progress}`}`
}

/**
 * Before a run is recorded: every image it uses must be on the engine (Tyger never pulls implicitly, as a security
 * measure), or pulled now when asked; GPUs need the NVIDIA runtime.
 */
export const prepare = Effect.fn("DockerRunCreator.prepare")(function*(
  request: Omit<RunRequest, "runId" | "buffers">,
  onProgress: (line: string) => Effect.Effect<void>
) {
  const docker = yield* DockerClient
  const codespecs = Plan.codespecById(request.plan)
  const used = [request.run.job.codespec, ...(request.run.worker === undefined ? [] : [request.run.worker.codespec])]
    .map((id) => codespecs.get(id)!)
  if (used.some((c) => gpuCount(c.spec) > 0)) {
    const info = yield* Effect.mapError(docker.info, fromDocker)
    if (info.Runtimes?.["nvidia"] === undefined) return yield* providerError("Unsupported", NO_NVIDIA_RUNTIME)
  }
  for (const image of new Set(used.map((c) => c.spec.image!))) {
    const present = yield* docker.inspectImage(image).pipe(
      Effect.as(true),
      Effect.catchIf((error) => error.reason === "ImageMissing", () => Effect.succeed(false)),
      Effect.mapError(fromDocker)
    )
    if (present) continue
    if (!request.pull) return yield* providerError("ImageMissing", imageMissing(image))
    yield* docker.pullImage(image).pipe(
      Stream.runForEach((event) => {
        const line = formatProgress(event)
        return line === undefined ? Effect.void : onProgress(line)
      }),
      Effect.mapError((error) =>
        error.reason === "Unavailable" ? fromDocker(error) : providerError("ImagePullFailed", error.message, error)
      )
    )
    yield* onProgress(`Pulled image ${image}`)
  }
})

const io = (action: string) => (cause: unknown) =>
  providerError("Unknown", `${action}: ${cause instanceof Error ? cause.message : String(cause)}`, cause)

/** The run's host directory with, for each job replica, a directory of one FIFO per buffer parameter. */
export const createPipes = Effect.fn("DockerRunCreator.createPipes")(function*(
  dataDir: string,
  runId: number,
  parameters: ReadonlyArray<string>,
  replicas = 1
) {
  const dir = Naming.runDir(dataDir, runId)
  const all = Array.from({ length: replicas }, (_, replica) => Naming.pipesDir(dataDir, runId, replica))
  yield* Effect.tryPromise({
    try: async () => {
      await Fs.mkdir(Path.dirname(dir), { recursive: true, mode: 0o700 })
      // Left by an earlier database in this data directory (runs are never restarted, so never by this run).
      await Fs.rm(dir, { recursive: true, force: true })
      await Fs.mkdir(dir, { mode: 0o700 })
      for (const pipes of all) {
        await Fs.mkdir(pipes)
        // Whatever the umask: the program may run as another user, and the 0700 run directory above keeps other
        // host users out.
        await Fs.chmod(pipes, 0o755)
        await Fifo.make(parameters.map((p) => Path.join(pipes, Naming.pipeFile(p))))
      }
    },
    catch: io(`creating the pipes of run ${runId}`)
  })
  return all
})

/**
 * Creates (does not start) a container of the run. A container left with the same name can only come from an earlier
 * database in the same data directory (runs are never restarted), so it is removed first.
 */
export const createNamed = Effect.fn("DockerRunCreator.createNamed")(function*(name: string, spec: ContainerSpec) {
  const docker = yield* DockerClient
  yield* docker.removeContainer(name, { force: true }).pipe(Effect.ignore)
  const created = yield* Effect.mapError(docker.createContainer(spec, { name }), fromDocker)
  return created.Id
})

/** Creates (does not start) the job container of one replica. */
export const createContainer = (request: RunRequest, options: CreatorOptions, placement: JobPlacement = { replica: 0 }) =>
  createNamed(
    Naming.jobContainerName(options.instance, request.runId, placement.replica, request.run.job.replicas),
    containerSpec(request, options, placement)
  )
