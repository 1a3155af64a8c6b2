import { Deferred, Duration, Effect } from "effect"
import * as KubeApi from "./KubeApi.ts"
import { watchPod } from "./MainWatch.ts"

/**
 * The workers' reaper, `tyger run reap-workers` (argv fixed in ../Contract.ts): the container `reap-workers` of a
 * distributed run's job pods. A distributed run is a Job (the job pods) plus a StatefulSet and a headless Service
 * (the workers), which serve until someone deletes them. In Tyger that is the server's RunFinalizer, which deletes a
 * run's workers once the run is final; here no server outlives `tyger run create`, so the job pod does it itself.
 *
 * Only the pod of completion index 0 reaps (the manifests make the Job `completionMode: Indexed`, so every pod gets
 * `JOB_COMPLETION_INDEX`): one reaper per run, not one per pod racing the others, and index 0 always exists. The others
 * exit at once. The reaper waits until its own `main` has terminated (MainWatch.ts), then until every other pod of
 * the Job has finished, polling the Job: `succeeded + failed >= completions - 1`, minus one because this pod cannot
 * finish while this very container runs (so the Job never counts it before the workers are gone), or until the Job
 * has a final condition. It then deletes the StatefulSet and the Service (background propagation; a 404 is success:
 * someone was first). SIGTERM at any point (the Job's deadline, its deletion, the controller killing the pods of a
 * failed Job) deletes at once: the Job is over either way. API errors are logged and retried; the pod's service account
 * needs `get` on the Job and `delete` on the StatefulSet and the Service (../SidecarAccess.ts grants them).
 */

export interface ReapArgs {
  readonly namespace: string
  readonly pod: string
  readonly container: string
  readonly job: string
  /** The name of the StatefulSet and of its headless Service. */
  readonly workers: string
  readonly env: KubeApi.Env
}

const JOB_POLL = Duration.seconds(2)
const AFTER_ERROR = Duration.seconds(10)

/** Job conditions that mean the outcome is decided (FailureTarget and SuccessCriteriaMet precede Failed and Complete). */
const FINAL_CONDITIONS: ReadonlyArray<string> = ["Complete", "Failed", "FailureTarget", "SuccessCriteriaMet"]

export type Job = {
  readonly spec?: { readonly completions?: number | null }
  readonly status?: {
    readonly succeeded?: number
    readonly failed?: number
    readonly conditions?: ReadonlyArray<{ readonly type?: string; readonly status?: string }>
  }
}

/**
 * Why the workers are no longer needed, or `undefined` while another pod of the Job may still use them. Without
 * `completions` (not a Job the manifests make) the Job has one pod: this one.
 */
export const jobDone = (job: Job): string | undefined => {
  const final = job.status?.conditions?.find((c) => c.status === "True" && FINAL_CONDITIONS.includes(c.type ?? ""))
  if (final !== undefined) return `the job is ${final.type}`
  const completions = job.spec?.completions ?? 1
  const finished = (job.status?.succeeded ?? 0) + (job.status?.failed ?? 0)
  return finished >= completions - 1 ? `${finished} of the other ${completions - 1} pod(s) of the job finished` : undefined
}

/**
 * `attempt` until it succeeds: each failure is logged as a warning (once while it stays the same, as MainWatch does)
 * and retried after 10 s.
 */
const retrying = <A>(attempt: Effect.Effect<A, string>, describe: (problem: string) => string): Effect.Effect<A> =>
  Effect.gen(function*() {
    let reported: string | undefined
    for (;;) {
      const answer = yield* Effect.result(attempt)
      if (answer._tag === "Success") return answer.success
      if (answer.failure !== reported) yield* Effect.logWarning(describe((reported = answer.failure)))
      yield* Effect.sleep(AFTER_ERROR)
    }
  })

const forbidden = (args: ReapArgs) =>
  `the pod's service account needs 'get' on batch jobs (${args.job}) and 'delete' on apps statefulsets and core ` +
  `services (${args.workers})`

/** Polls the Job until {@link jobDone}. */
const waitForJob = (args: ReapArgs) =>
  Effect.gen(function*() {
    const jobPath = KubeApi.path("apis", "batch", "v1", "namespaces", args.namespace, "jobs", args.job)
    const call = { what: "GET job", forbidden: forbidden(args) }
    yield* Effect.logInfo(`Waiting for the other pods of job ${args.namespace}/${args.job} to finish.`)
    for (;;) {
      const job = yield* retrying(
        Effect.map(KubeApi.get(args.env, jobPath, call), (found) => found as Job),
        (problem) => `Cannot read job ${args.namespace}/${args.job}: ${problem}. Retrying.`
      )
      const done = jobDone(job)
      if (done !== undefined) return yield* Effect.logInfo(`The workers are no longer needed: ${done}.`)
      yield* Effect.sleep(JOB_POLL)
    }
  })

/** Deletes the StatefulSet and the Service, each retried until it is gone. */
const deleteWorkers = (args: ReapArgs) => {
  const remove = (kind: string, apiPath: string) =>
    retrying(
      KubeApi.remove(args.env, apiPath, { what: `DELETE ${kind}`, forbidden: forbidden(args) }),
      (problem) => `Cannot delete ${kind} ${args.namespace}/${args.workers}: ${problem}. Retrying.`
    ).pipe(Effect.tap((result) =>
      Effect.logInfo(result === "deleted" ? `Deleted ${kind} ${args.namespace}/${args.workers}.` : `The ${kind} ${args.namespace}/${args.workers} was already deleted.`)
    ))
  return Effect.all([
    remove("statefulset", KubeApi.path("apis", "apps", "v1", "namespaces", args.namespace, "statefulsets", args.workers)),
    remove("service", KubeApi.path("api", "v1", "namespaces", args.namespace, "services", args.workers))
  ], { concurrency: "unbounded", discard: true })
}

/** Reaps the workers (see the module comment); `stopping` succeeds when the pod is stopping (SIGTERM). */
export const run = Effect.fn("ReapWorkers.run")(function*(args: ReapArgs, stopping: Effect.Effect<void>) {
  const index = args.env["JOB_COMPLETION_INDEX"] ?? ""
  if (index !== "" && index !== "0") {
    return yield* Effect.logInfo(`This is the pod of completion index ${index}: the pod of index 0 deletes the workers.`)
  }
  // Listened to for the whole run: a SIGTERM while deleting changes nothing (the deletion is under way).
  const stopped = yield* Deferred.make<void>()
  yield* Effect.forkScoped(Effect.andThen(stopping, Deferred.succeed(stopped, undefined)), { startImmediately: true })
  yield* Effect.logInfo(`Waiting for container ${args.container} of pod ${args.namespace}/${args.pod} to terminate.`)
  yield* Effect.raceFirst(
    Effect.andThen(watchPod(args.env, args.namespace, args.pod, args.container), waitForJob(args)),
    Effect.andThen(Deferred.await(stopped), Effect.logInfo("The pod is stopping: deleting the workers now."))
  )
  yield* deleteWorkers(args)
}, Effect.scoped)
