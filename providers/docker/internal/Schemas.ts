// The slice of the Docker Engine API (v1.41 field names) this client sends and reads. Responses keep only the fields
// tyger-ts uses (unknown keys are dropped on decode); fields the engine may send as null or leave out are optional.
import { Schema } from "effect"

const Labels = Schema.Record(Schema.String, Schema.String)
const Strings = Schema.Array(Schema.String)
/** A response field the engine may omit or send as `null` (Go's nil slices and maps). */
const maybe = <S extends Schema.Top>(schema: S) => Schema.optionalKey(Schema.NullOr(schema))

// --- system

export const Version = Schema.Struct({
  Version: Schema.String,
  ApiVersion: Schema.String,
  MinAPIVersion: Schema.optionalKey(Schema.String),
  Os: Schema.optionalKey(Schema.String),
  Arch: Schema.optionalKey(Schema.String),
  KernelVersion: Schema.optionalKey(Schema.String)
})
export type Version = typeof Version.Type

export const Info = Schema.Struct({
  ServerVersion: Schema.String,
  /** Runtime names (`runc`, and `nvidia` when the NVIDIA container runtime is installed). */
  Runtimes: maybe(Schema.Record(Schema.String, Schema.Unknown)),
  NCPU: Schema.optionalKey(Schema.Int),
  MemTotal: Schema.optionalKey(Schema.Number),
  CgroupVersion: Schema.optionalKey(Schema.String)
})
export type Info = typeof Info.Type

// --- images

export const ImageInspect = Schema.Struct({
  Id: Schema.String,
  RepoTags: maybe(Strings),
  Created: Schema.optionalKey(Schema.String),
  Config: maybe(Schema.Struct({
    Env: maybe(Strings),
    Cmd: maybe(Strings),
    Entrypoint: maybe(Strings),
    WorkingDir: Schema.optionalKey(Schema.String),
    User: Schema.optionalKey(Schema.String)
  }))
})
export type ImageInspect = typeof ImageInspect.Type

/** One line of `POST /images/create`'s newline-delimited JSON progress. */
export const PullProgress = Schema.Struct({
  status: Schema.optionalKey(Schema.String),
  id: Schema.optionalKey(Schema.String),
  progress: Schema.optionalKey(Schema.String),
  progressDetail: maybe(Schema.Struct({
    current: Schema.optionalKey(Schema.Number),
    total: Schema.optionalKey(Schema.Number)
  })),
  error: Schema.optionalKey(Schema.String),
  errorDetail: maybe(Schema.Struct({ message: Schema.optionalKey(Schema.String) }))
})
export type PullProgress = typeof PullProgress.Type

// --- containers

export const DeviceRequest = Schema.Struct({
  Driver: Schema.optionalKey(Schema.String),
  /** -1 = all devices. */
  Count: Schema.optionalKey(Schema.Int),
  DeviceIDs: Schema.optionalKey(Strings),
  Capabilities: Schema.optionalKey(Schema.Array(Strings))
})
export type DeviceRequest = typeof DeviceRequest.Type

export const HostConfig = Schema.Struct({
  /** `host-path:container-path[:ro]` */
  Binds: Schema.optionalKey(Strings),
  /** Bytes; 0 = unlimited. */
  Memory: Schema.optionalKey(Schema.Int),
  /** Bytes of memory + swap; equal to `Memory` disables swap, -1 = unlimited swap. */
  MemorySwap: Schema.optionalKey(Schema.Int),
  /** Soft memory limit in bytes (a Kubernetes memory request). */
  MemoryReservation: Schema.optionalKey(Schema.Int),
  /** CPU quota in units of 1e-9 CPUs. */
  NanoCpus: Schema.optionalKey(Schema.Int),
  /** Relative CPU weight (1024 = one CPU's share; a Kubernetes cpu request). */
  CpuShares: Schema.optionalKey(Schema.Int),
  /** Bytes of /dev/shm; 0 = the engine's default (64 MiB). */
  ShmSize: Schema.optionalKey(Schema.Int),
  DeviceRequests: Schema.optionalKey(Schema.Array(DeviceRequest)),
  /** `bridge`, `none`, `host` or a network name. */
  NetworkMode: Schema.optionalKey(Schema.String),
  /** `always` restarts a container that exits, until it is killed or removed (Tyger's workers). */
  RestartPolicy: Schema.optionalKey(Schema.Struct({
    Name: Schema.Literals(["", "no", "always", "unless-stopped", "on-failure"]),
    MaximumRetryCount: Schema.optionalKey(Schema.Int)
  })),
  /** Runs an init process as PID 1 that reaps zombies and forwards signals. */
  Init: Schema.optionalKey(Schema.Boolean),
  AutoRemove: Schema.optionalKey(Schema.Boolean)
})
export type HostConfig = typeof HostConfig.Type

export const EndpointSettings = Schema.Struct({
  Aliases: Schema.optionalKey(Strings)
})
export type EndpointSettings = typeof EndpointSettings.Type

export const ContainerCreate = Schema.Struct({
  Image: Schema.String,
  Cmd: Schema.optionalKey(Strings),
  Entrypoint: Schema.optionalKey(Strings),
  /** `NAME=value` */
  Env: Schema.optionalKey(Strings),
  WorkingDir: Schema.optionalKey(Schema.String),
  User: Schema.optionalKey(Schema.String),
  Labels: Schema.optionalKey(Labels),
  Hostname: Schema.optionalKey(Schema.String),
  StopSignal: Schema.optionalKey(Schema.String),
  // Always false: logs are then multiplexed stdout/stderr frames, and payload data never goes through attach.
  Tty: Schema.Literal(false),
  AttachStdin: Schema.Literal(false),
  AttachStdout: Schema.Literal(false),
  AttachStderr: Schema.Literal(false),
  OpenStdin: Schema.Literal(false),
  HostConfig: Schema.optionalKey(HostConfig),
  NetworkingConfig: Schema.optionalKey(Schema.Struct({
    EndpointsConfig: Schema.optionalKey(Schema.Record(Schema.String, EndpointSettings))
  }))
})
export type ContainerCreate = typeof ContainerCreate.Type

export const ContainerCreated = Schema.Struct({
  Id: Schema.String,
  Warnings: maybe(Strings)
})
export type ContainerCreated = typeof ContainerCreated.Type

export const ContainerWait = Schema.Struct({
  StatusCode: Schema.Int,
  Error: maybe(Schema.Struct({ Message: Schema.optionalKey(Schema.String) }))
})
export type ContainerWait = typeof ContainerWait.Type

export const ContainerState = Schema.Struct({
  /** `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`. */
  Status: Schema.String,
  Running: Schema.Boolean,
  ExitCode: Schema.Int,
  OOMKilled: Schema.Boolean,
  Pid: Schema.optionalKey(Schema.Int),
  /** RFC 3339 with nanoseconds; `0001-01-01T00:00:00Z` before the first start / exit. */
  StartedAt: Schema.String,
  FinishedAt: Schema.String,
  /** Why the container could not start (e.g. the executable was not found); empty otherwise. */
  Error: Schema.optionalKey(Schema.String)
})
export type ContainerState = typeof ContainerState.Type

export const ContainerInspect = Schema.Struct({
  Id: Schema.String,
  /** With Docker's leading slash: `/tyger-run-1-main`. */
  Name: Schema.String,
  Created: Schema.optionalKey(Schema.String),
  Image: Schema.optionalKey(Schema.String),
  State: ContainerState,
  HostConfig: maybe(Schema.Struct({ Memory: Schema.optionalKey(Schema.Int) })),
  RestartCount: Schema.optionalKey(Schema.Int),
  NetworkSettings: maybe(Schema.Struct({
    /** The default bridge's address (older engines put it only here). */
    IPAddress: maybe(Schema.String),
    Networks: maybe(Schema.Record(Schema.String, Schema.Struct({ IPAddress: maybe(Schema.String) })))
  })),
  Config: maybe(Schema.Struct({
    Image: Schema.optionalKey(Schema.String),
    Labels: maybe(Labels)
  }))
})
export type ContainerInspect = typeof ContainerInspect.Type

export const ContainerSummary = Schema.Struct({
  Id: Schema.String,
  Names: maybe(Strings),
  Image: Schema.optionalKey(Schema.String),
  Labels: maybe(Labels),
  State: Schema.optionalKey(Schema.String),
  Status: Schema.optionalKey(Schema.String),
  /** Unix seconds. */
  Created: Schema.optionalKey(Schema.Number)
})
export type ContainerSummary = typeof ContainerSummary.Type
export const ContainerList = Schema.Array(ContainerSummary)

// --- networks

export const NetworkCreate = Schema.Struct({
  Name: Schema.String,
  Driver: Schema.String,
  Internal: Schema.optionalKey(Schema.Boolean),
  Attachable: Schema.optionalKey(Schema.Boolean),
  Labels: Schema.optionalKey(Labels),
  // Without it engines before API 1.44 happily create a second network with the same name.
  CheckDuplicate: Schema.optionalKey(Schema.Boolean)
})
export type NetworkCreate = typeof NetworkCreate.Type

export const NetworkCreated = Schema.Struct({
  Id: Schema.String,
  Warning: maybe(Schema.String)
})

export const NetworkInspect = Schema.Struct({
  Id: Schema.String,
  Name: Schema.String,
  Driver: Schema.optionalKey(Schema.String),
  Labels: maybe(Labels),
  Containers: maybe(Schema.Record(Schema.String, Schema.Struct({ Name: Schema.optionalKey(Schema.String) })))
})
export type NetworkInspect = typeof NetworkInspect.Type
export const NetworkList = Schema.Array(NetworkInspect)

export const NetworkConnect = Schema.Struct({
  Container: Schema.String,
  EndpointConfig: Schema.optionalKey(EndpointSettings)
})

// --- events

export const Event = Schema.Struct({
  /** `container`, `image`, `network`, … */
  Type: Schema.String,
  /** `create`, `start`, `die`, `kill`, `oom`, `destroy`, … (exec events carry a suffix: `exec_start: sh`). */
  Action: Schema.String,
  Actor: Schema.Struct({
    ID: Schema.String,
    Attributes: maybe(Labels)
  }),
  time: Schema.optionalKey(Schema.Number),
  timeNano: Schema.optionalKey(Schema.Number)
})
export type Event = typeof Event.Type

/** The engine's error body. */
export const ErrorBody = Schema.Struct({ message: Schema.String })
