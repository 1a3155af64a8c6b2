import * as pulumi from "@pulumi/pulumi"
import { VERSION } from "../cli/Version.ts"
import type { BufferUrls } from "../providers/kubernetes/Options.ts"

/** The stack's configuration (`pulumi config set tyger-ts:<key>`), read once at the program's root. */
export interface StackConfig {
  /** Which program of `programs.ts` this stack runs. @default the stack's name */
  readonly program: string
  /** @default "default" */
  readonly namespace: string
  /** This package's image for the helper containers. @default `tyger-ts:<package version>` */
  readonly image: string
  /** Azure storage account holding buffers with known ids. */
  readonly storageAccount: string | undefined
  /** `{ run: { parameter: url } }`, a secret: buffers' access URLs (see providers/kubernetes/BufferSecret.ts). */
  readonly bufferUrls: pulumi.Output<BufferUrls> | undefined
  /** Let `pulumi up` wait for Jobs to finish. @default false */
  readonly awaitCompletion: boolean
}

export const DEFAULT_IMAGE = `tyger-ts:${VERSION}`

export const read = (): StackConfig => {
  const config = new pulumi.Config()
  return {
    program: config.get("program") ?? pulumi.getStack(),
    namespace: config.get("namespace") ?? "default",
    image: config.get("image") ?? DEFAULT_IMAGE,
    storageAccount: config.get("storageAccount"),
    bufferUrls: config.getSecretObject<BufferUrls>("bufferUrls"),
    awaitCompletion: config.getBoolean("awaitCompletion") ?? false
  }
}

/** The component arguments the configuration decides. */
export const componentArgs = (config: StackConfig) => ({
  namespace: config.namespace,
  image: config.image,
  awaitCompletion: config.awaitCompletion,
  ...(config.storageAccount === undefined ? {} : { storageAccount: config.storageAccount }),
  ...(config.bufferUrls === undefined ? {} : { bufferUrls: config.bufferUrls })
})
