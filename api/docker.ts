/**
 * `tyger-ts/docker`: the Docker provider (a run's containers, FIFO pumps, workers) and the typed Docker Engine client
 * it uses; `LocalEngine.layer` composes them with the engine.
 * @module
 */
export { DockerClient, type DockerClientOptions } from "../providers/docker/DockerClient.ts"
export { DockerError } from "../providers/docker/DockerError.ts"
export * as DockerProvider from "../providers/docker/DockerProvider.ts"
export * as LocalEngine from "../providers/docker/LocalEngine.ts"
