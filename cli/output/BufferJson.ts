import type { BufferRecord } from "../../engine/store/BufferRecord.ts"
import * as GoJson from "./GoJson.ts"
import { rfc3339Nano } from "./GoTime.ts"

/**
 * A buffer as Tyger's CLI re-encodes it (`model.Buffer`): `id` and `createdAt` always, then `location`, `tags`,
 * `eTag`, `expiresAt` when set. Go sorts map keys, so the tags are sorted; `isSoftDeleted` is never shown.
 */
export const toJson = (buffer: BufferRecord): Record<string, unknown> => {
  const keys = Object.keys(buffer.tags).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return {
    id: buffer.id,
    createdAt: rfc3339Nano(new Date(buffer.createdAt)),
    location: buffer.location === "" ? undefined : buffer.location,
    tags: keys.length === 0 ? undefined : Object.fromEntries(keys.map((k) => [k, buffer.tags[k]])),
    eTag: buffer.eTag === "" ? undefined : buffer.eTag,
    expiresAt: buffer.expiresAt === undefined ? undefined : rfc3339Nano(new Date(buffer.expiresAt))
  }
}

/** `json.MarshalIndent(v, "", "  ")`: `buffer show|set|create --full-resource` and by-id delete/restore/purge. */
export const marshal = (value: unknown): string => GoJson.marshalIndent(value, "", "  ")

/** `json.MarshalIndent(v, "  ", "  ")`: `buffer list` items. */
export const marshalListItem = (value: unknown): string => GoJson.marshalIndent(value, "  ", "  ")
