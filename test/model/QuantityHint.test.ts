import assert from "node:assert/strict"
import { describe, test } from "node:test"
import * as Quantity from "../../model/Quantity.ts"
import { hintFor } from "../../model/QuantityHint.ts"

const GENERIC =
  "write a number with an optional suffix: m (1/1000), k, M, G, T, P, E (powers of 1000) or Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024)"

const cases: ReadonlyArray<readonly [string | number, string]> = [
  // Byte units, which could mean either power.
  ["1Gb", "use 1Gi (GiB, 2^30 bytes) or 1G (10^9 bytes)"],
  ["1GB", "use 1Gi (GiB, 2^30 bytes) or 1G (10^9 bytes)"],
  ["1gb", "use 1Gi (GiB, 2^30 bytes) or 1G (10^9 bytes)"],
  ["512MB", "use 512Mi (MiB, 2^20 bytes) or 512M (10^6 bytes)"],
  ["512mb", "use 512Mi (MiB, 2^20 bytes) or 512M (10^6 bytes)"],
  ["1 Mb", "use 1Mi (MiB, 2^20 bytes) or 1M (10^6 bytes)"],
  ["1TB", "use 1Ti (TiB, 2^40 bytes) or 1T (10^12 bytes)"],
  ["2 PB", "use 2Pi (PiB, 2^50 bytes) or 2P (10^15 bytes)"],
  ["1 EB", "use 1Ei (EiB, 2^60 bytes) or 1E (10^18 bytes)"],
  ["64KB", "use 64Ki (KiB, 2^10 bytes) or 64k (10^3 bytes)"],
  // "K" is not a suffix; "k" is.
  ["1K", "use 1Ki (KiB, 2^10 bytes) or 1k (10^3 bytes)"],
  ["1g", "use 1Gi (GiB, 2^30 bytes) or 1G (10^9 bytes)"],
  ["1 gigabyte", "use 1Gi (GiB, 2^30 bytes) or 1G (10^9 bytes)"],
  ["4 gigabytes", "use 4Gi (GiB, 2^30 bytes) or 4G (10^9 bytes)"],
  ["100 megabytes", "use 100Mi (MiB, 2^20 bytes) or 100M (10^6 bytes)"],
  ["1 gig", "use 1Gi (GiB, 2^30 bytes) or 1G (10^9 bytes)"],
  ["100 megs", "use 100Mi (MiB, 2^20 bytes) or 100M (10^6 bytes)"],
  ["1.5GB", "use 1.5Gi (GiB, 2^30 bytes) or 1.5G (10^9 bytes)"],
  [".5GB", "use 0.5Gi (GiB, 2^30 bytes) or 0.5G (10^9 bytes)"],
  ["1.GB", "use 1Gi (GiB, 2^30 bytes) or 1G (10^9 bytes)"],
  // Binary units written out or in the wrong case.
  ["1.5 GiB", "use 1.5Gi"],
  ["1.5GiB", "use 1.5Gi"],
  ["10 KiB", "use 10Ki"],
  ["1GI", "use 1Gi"],
  ["1gi", "use 1Gi"],
  ["256mib", "use 256Mi"],
  ["2 gibibytes", "use 2Gi"],
  ["1 tebibyte", "use 1Ti"],
  // A valid suffix after a space.
  ["1 Gi", "use 1Gi"],
  ["1 k", "use 1k"],
  ["500 m", "use 500m"],
  // Bytes.
  ["512 bytes", "use 512 (bytes)"],
  ["512B", "use 512 (bytes)"],
  ["1 byte", "use 1 (bytes)"],
  // CPU.
  ["2 cores", "use 2 (cores) or 2000m (millicores)"],
  ["1 core", "use 1 (cores) or 1000m (millicores)"],
  ["0.5 cpu", "use 0.5 (cores) or 500m (millicores)"],
  ["4 CPUs", "use 4 (cores) or 4000m (millicores)"],
  ["2 vCPU", "use 2 (cores) or 2000m (millicores)"],
  ["1.25cores", "use 1.25 (cores) or 1250m (millicores)"],
  // Millicores would round a value finer than 1m, so only cores are suggested.
  ["0.0005 cores", "use 0.0005 (cores)"],
  ["500 millicores", "use 500m"],
  ["250mcpu", "use 250m"],
  ["2 GPUs", "use 2"],
  ["1 gpu", "use 1"],
  // Nothing to go on.
  ["lots", GENERIC],
  ["", GENERIC],
  ["GiB", GENERIC],
  ["1,5Gi", GENERIC],
  ["1e3 GB", GENERIC],
  ["2GHz", GENERIC],
  ["50%", GENERIC],
  ["1.2.3", GENERIC],
  ["one gigabyte", GENERIC],
  [Number.NaN, "write a finite number, or a string such as '500m' or '2Gi'"],
  [Number.POSITIVE_INFINITY, "write a finite number, or a string such as '500m' or '2Gi'"]
]

describe("QuantityHint.hintFor", () => {
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(String(input))} → ${expected}`, () => assert.equal(hintFor(input), expected))
  }

  test("every quantity it suggests parses, and the inputs themselves do not", () => {
    for (const [input, hint] of cases) {
      if (typeof input === "string") assert.equal(Quantity.parse(input.trim()), undefined, `'${input}' parses`)
      if (hint === GENERIC || !hint.startsWith("use ")) continue
      const suggested = hint.slice("use ".length).split(" or ").map((part) => part.replace(/ \(.*\)$/, ""))
      for (const quantity of suggested) assert.notEqual(Quantity.parse(quantity), undefined, `${quantity} (for '${input}')`)
    }
  })

  test("cores and millicores name the same amount", () => {
    for (const input of ["2 cores", "0.5 cpu", "1.25cores", "4 CPUs"]) {
      const [cores = "", millicores = ""] = hintFor(input).slice("use ".length).split(" or ").map((part) => part.replace(/ \(.*\)$/, ""))
      assert.equal(Quantity.compare(Quantity.unsafeParse(cores), Quantity.unsafeParse(millicores)), 0, input)
    }
  })
})
