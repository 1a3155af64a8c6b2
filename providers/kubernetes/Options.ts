/** Access URLs of buffers by run name, then by buffer parameter. */
export interface BufferUrls {
  readonly [run: string]: { readonly [parameter: string]: string }
}

/** What the manifests need besides the plan; everything has a fixed value, so the output is deterministic. */
export interface Options {
  readonly namespace: string
  /** This package's image, run by the helper containers (see `Contract.ts`). */
  readonly image: string
  /**
   * Access URLs known when the manifests are made. A parameter without one gets a URL derived from `storageAccount`
   * when its buffer id is known, else a placeholder the sidecar waits on (see `BufferSecret.ts`).
   */
  readonly bufferSecrets?: BufferUrls
  /** Azure storage account holding the buffers (one blob container per buffer id, as in Tyger). */
  readonly storageAccount?: string
  /** @default "cluster.local" */
  readonly clusterDomain?: string
  /** Upper bound of the wait for workers (also bounded by the run's timeout). @default 900 */
  readonly workerWaitSeconds?: number
}

export const DEFAULT_CLUSTER_DOMAIN = "cluster.local"
