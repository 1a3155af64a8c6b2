import { Result } from "effect"
import * as GoDuration from "./GoDuration.ts"
import * as Suggest from "./Suggest.ts"

/**
 * Checks a Kubernetes CronJob schedule the way the API server does — `cron.ParseStandard` of robfig/cron v3.0.1 plus
 * Kubernetes' ban on `TZ=` in the schedule — so a workflow fails at compile time rather than at `kubectl apply`,
 * with a message that names the fix. robfig's quirks are kept, since rejecting what Kubernetes accepts would be a
 * bug of its own: `?` is a wildcard in every field, `*-5` is `*`, empty list items (`1,,2`) are skipped, steps
 * larger than the field (`*\/100`) are fine, and the day of the week stops at 6 (no `7` for Sunday, unlike Vixie
 * cron).
 */

interface Field {
  readonly name: string
  readonly plural: string
  readonly min: number
  readonly max: number
  /** Lower-case names of min, min + 1, ... (`jan` is 1, `sun` is 0). */
  readonly names?: ReadonlyArray<string>
  /** What a name stands for, for "'FRY' is not a day". */
  readonly unit?: string
  /** A hint for one specific value out of range, the value most often written by habit from other crons. */
  readonly hints?: { readonly [value: number]: string }
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

const FIELDS: ReadonlyArray<Field> = [
  { name: "minute", plural: "minutes", min: 0, max: 59 },
  { name: "hour", plural: "hours", min: 0, max: 23, hints: { 24: "use 0 for midnight" } },
  { name: "day-of-month", plural: "days of the month", min: 1, max: 31 },
  { name: "month", plural: "months", min: 1, max: 12, names: MONTHS, unit: "month" },
  { name: "day-of-week", plural: "days of the week", min: 0, max: 6, names: DAYS, unit: "day", hints: { 7: "use 0 for Sunday" } }
]

const SHORTHANDS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]
const FIVE_FIELDS = "five fields (minute hour day-of-month month day-of-week)"
const EXAMPLE = "e.g. '0 3 * * *' for 3am every day"

// Go's strings.Fields splits on unicode.IsSpace, which differs from JavaScript's \s (it has U+0085, not U+FEFF).
const SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
const SPACES = new RegExp(`${SPACE}+`)
const trim = (s: string): string => s.replace(new RegExp(`^${SPACE}+|${SPACE}+$`, "g"), "")

const isInteger = (token: string): boolean => /^[+-]?[0-9]+$/.test(token)
const rangeOf = (field: Field): string =>
  field.names === undefined
    ? `from ${field.min} to ${field.max}`
    : `from ${field.min} to ${field.max} (${field.names[0]?.toUpperCase()} to ${field.names[field.names.length - 1]?.toUpperCase()})`

// What robfig's parseIntOrName accepts: a name (case-insensitive) or anything strconv.Atoi reads, such as "+5" or "007".
const valueOf = (field: Field, token: string): number | undefined => {
  const named = field.names?.indexOf(token.toLowerCase()) ?? -1
  if (named >= 0) return field.min + named
  return isInteger(token) ? Number(token) : undefined
}

// Renders a value the way the user wrote it: a number or name of the field, keeping names as names.
const render = (field: Field, value: number, asName: boolean): string =>
  asName && field.names !== undefined ? (field.names[value - field.min] ?? String(value)).toUpperCase() : String(value)

/** How a message points at a token: the whole field (`the hour field is 25`) or a part of it. */
const at = (field: Field, text: string, token: string): string => {
  const shown = /^[0-9]+$/.test(token) ? token : `'${token}'`
  return text === token ? `the ${field.name} field is ${shown}` : `the ${field.name} field has ${shown} (in '${text}')`
}

const outOfRange = (field: Field, text: string, token: string, value: number): string => {
  const hint = field.hints?.[value]
  return `${at(field, text, token)}, but ${field.plural} run ${rangeOf(field)}${hint === undefined ? "" : `: ${hint}`}`
}

// A full or abbreviated name ("Friday", "Thurs") names its three-letter form; otherwise the nearest name, if any.
const nameSuggestion = (names: ReadonlyArray<string>, token: string): string => {
  const lower = token.toLowerCase()
  const prefixed = lower.length > 3 ? names.find((name) => lower.startsWith(name)) : undefined
  if (prefixed !== undefined) return ` (did you mean '${prefixed.toUpperCase()}'?)`
  return Suggest.didYouMean(token.toUpperCase(), names.map((name) => name.toUpperCase()))
}

const notAValue = (field: Field, text: string, token: string): string => {
  if (/#|^([0-9]*|[a-z]{3})L$|^[0-9]*W$|^LW$/i.test(token)) {
    const example = field.name === "day-of-week" ? ", e.g. 'MON-FRI' or '1,5'" : ", e.g. '1,15' or '28-31'"
    return `${at(field, text, token)}, but Kubernetes cron has no L, W or # (Quartz syntax): list the values instead${example}`
  }
  if (field.names !== undefined && /^[a-z]+$/i.test(token)) {
    const names = field.names.map((name) => name.toUpperCase())
    return `${at(field, text, token)}, which is not a ${field.unit}: use ${names.slice(0, -1).join(", ")} or ${names.at(-1)}, or ${field.min} to ${field.max}${nameSuggestion(field.names, token)}`
  }
  const clock = /^([0-9]{1,2})(?::([0-9]{2}))?\s*([ap])\.?m\.?$/i.exec(token)
  if (field.name === "hour" && clock !== null) {
    const hour = Number(clock[1]) % 12 + (clock[3]?.toLowerCase() === "p" ? 12 : 0)
    const minutes = clock[2] === undefined ? "" : ` and ${Number(clock[2])} in the minute field`
    return `${at(field, text, token)}, but hours are numbers from 0 to 23: write ${hour}${minutes}`
  }
  return `${at(field, text, token)}, which is not a number: ${field.plural} run ${rangeOf(field)}`
}

// One item of a comma-separated list: `*`, `?`, `n`, `a-b`, each with an optional `/step` (robfig's getRange).
const rangeProblem = (field: Field, text: string, item: string): string | undefined => {
  const slashed = item.split("/")
  if (slashed.length > 2) return `${at(field, text, item)}, which has more than one '/': write a step as '*/n' or 'a-b/n'`
  const [span = "", stepToken] = slashed
  const ends = span.split("-")
  if (ends[0] !== "*" && ends[0] !== "?") {
    // robfig reads "*-5" as "*": what follows a wildcard is ignored, so only ranges of values are checked here.
    const [startToken = "", endToken] = ends
    if (ends.length > 2) return `${at(field, text, item)}, which has more than one '-': write a range as 'a-b'`
    if (startToken === "" && endToken !== undefined && /^[0-9]+$/.test(endToken)) {
      return `${at(field, text, item)}, but ${field.plural} run ${rangeOf(field)}`
    }
    if (startToken === "" && endToken === undefined) {
      return `${at(field, text, item)}, which has nothing before the '/': write '*/${stepToken || 5}'`
    }
    if (startToken === "" || endToken === "") {
      const from = startToken || render(field, field.min, !isInteger(endToken ?? ""))
      const example = `${from}-${endToken || render(field, field.max, !isInteger(startToken))}`
      return `${at(field, text, item)}, which is an incomplete range: write both ends, e.g. '${example}'`
    }
    const first = valueOf(field, startToken)
    if (first === undefined) return notAValue(field, text, startToken)
    if (first < field.min || first > field.max) return outOfRange(field, text, startToken, first)
    // "n/step" means "n-max/step" in robfig, so only an explicit end can come before the start.
    if (endToken !== undefined) {
      const last = valueOf(field, endToken)
      if (last === undefined) return notAValue(field, text, endToken)
      if (last < field.min || last > field.max) return outOfRange(field, text, endToken, last)
      if (first > last) {
        const named = !isInteger(startToken)
        const swapped = `${endToken}-${startToken}${stepToken === undefined ? "" : `/${stepToken}`}`
        const wrapped = `${startToken}-${render(field, field.max, named)},${render(field, field.min, named)}-${endToken}`
        return `${at(field, text, item)}, a range that runs backwards: write '${swapped}'${
          stepToken === undefined ? `, or '${wrapped}' to wrap around` : ""}`
      }
    }
  }
  if (stepToken !== undefined) {
    if (stepToken === "") return `${at(field, text, item)}, which has no step after the '/': write e.g. '*/5'`
    if (!isInteger(stepToken)) return `${at(field, text, item)}, whose step '${stepToken}' is not a number: write e.g. '*/5'`
    const step = Number(stepToken)
    if (step < 1) return `the ${field.name} field has a step of ${step} in '${item}': a step must be 1 or more, e.g. '*/5'`
  }
  return undefined
}

const fieldProblem = (field: Field, text: string): string | undefined => {
  // robfig splits lists with strings.FieldsFunc, which drops empty items: "1,,2" is 1,2 and "," matches nothing.
  for (const item of text.split(",")) {
    if (item === "") continue
    const problem = rangeProblem(field, text, item)
    if (problem !== undefined) return problem
  }
  return undefined
}

const fieldsProblem = (fields: ReadonlyArray<string>): string | undefined => {
  for (const [i, field] of FIELDS.entries()) {
    const problem = fieldProblem(field, fields[i] ?? "")
    if (problem !== undefined) return problem
  }
  return undefined
}

// --- shorthands followed by words ("@daily 3am"): an equivalent five-field example built from the words.

interface Clock {
  readonly hour: number
  readonly minute: number
}

const clockIn = (words: string): Clock | undefined => {
  if (/\bnoon\b/i.test(words)) return { hour: 12, minute: 0 }
  if (/\bmidnight\b/i.test(words)) return { hour: 0, minute: 0 }
  for (const match of words.matchAll(/(?<![0-9:])([0-9]{1,2})(?::([0-9]{2}))?\s*(?:([ap])\.?m\b\.?)?/gi)) {
    const [, h = "", m, meridiem] = match
    if (m === undefined && meridiem === undefined) continue
    const hour = meridiem === undefined ? Number(h) : Number(h) % 12 + (meridiem.toLowerCase() === "p" ? 12 : 0)
    const minute = m === undefined ? 0 : Number(m)
    if (hour > 23 || minute > 59 || (meridiem !== undefined && (Number(h) < 1 || Number(h) > 12))) continue
    return { hour, minute }
  }
  return undefined
}

const describeClock = ({ hour, minute }: Clock): string => {
  if (minute === 0 && hour === 0) return "midnight"
  if (minute === 0 && hour === 12) return "noon"
  const h = hour % 12 === 0 ? 12 : hour % 12
  return `${h}${minute === 0 ? "" : `:${String(minute).padStart(2, "0")}`}${hour < 12 ? "am" : "pm"}`
}

const weekdayIn = (words: string): number | undefined => {
  for (const [word] of words.matchAll(/[a-z]{3,}/gi)) {
    const day = DAY_NAMES.findIndex((name) => name.toLowerCase().startsWith(word.toLowerCase()))
    if (day >= 0) return day
  }
  return undefined
}

const exampleFor = (shorthand: string, words: string): string => {
  if (shorthand === "@hourly") {
    const minute = /(?<![0-9])([0-9]{1,2})(?![0-9])/.exec(words)
    const m = minute !== null && Number(minute[1]) <= 59 ? Number(minute[1]) : 30
    return `'${m} * * * *' for minute ${m} of every hour`
  }
  const clock = clockIn(words) ?? { hour: 3, minute: 0 }
  const time = `${clock.minute} ${clock.hour}`
  switch (shorthand) {
    case "@weekly": {
      const day = weekdayIn(words) ?? 0
      return `'${time} * * ${day}' for ${describeClock(clock)} every ${DAY_NAMES[day]}`
    }
    case "@monthly":
      return `'${time} 1 * *' for ${describeClock(clock)} on the 1st of every month`
    case "@yearly":
    case "@annually":
      return `'${time} 1 1 *' for ${describeClock(clock)} every January 1st`
    default:
      return `'${time} * * *' for ${describeClock(clock)} every day`
  }
}

const everyProblem = (expression: string, duration: string): string | undefined => {
  if (Result.isSuccess(GoDuration.parseDuration(duration))) return undefined
  const trimmed = duration.trim()
  if (trimmed !== duration && Result.isSuccess(GoDuration.parseDuration(trimmed))) {
    return `'${expression}' has extra spaces: write '@every ${trimmed}'`
  }
  const days = /^([0-9]+)\s*d(?:ays?)?$/i.exec(trimmed)
  if (days !== null) return `'${expression}' uses days, which Go durations lack: write '@every ${Number(days[1]) * 24}h'`
  return `'${expression}' has no valid duration: write a Go duration such as '@every 1h30m' (units h, m, s, ms, us, ns)`
}

const shorthandProblem = (expression: string): string | undefined => {
  if (SHORTHANDS.includes(expression)) return undefined
  const trimmed = trim(expression)
  if (trimmed !== expression && trimmed.startsWith("@") && shorthandProblem(trimmed) === undefined) {
    // robfig compares shorthands exactly: unlike five fields, "@daily " is refused.
    return `'${expression}' has spaces around the shorthand: write '${trimmed}'`
  }
  if (trimmed.startsWith("@every ")) return everyProblem(expression, trimmed.slice("@every ".length))
  const lower = trimmed.toLowerCase()
  if (SHORTHANDS.includes(lower) || (lower.startsWith("@every ") && everyProblem(expression, lower.slice(7)) === undefined)) {
    return `'${expression}' is not a shorthand: shorthands are lower case, write '${lower}'`
  }
  if (lower === "@every") return `'${expression}' needs a duration: write e.g. '@every 1h30m'`
  if (lower.startsWith("@every") && Result.isSuccess(GoDuration.parseDuration(trimmed.slice(6)))) {
    return `'${expression}' needs a space: write '@every ${trimmed.slice(6)}'`
  }
  const [word = "", ...rest] = trimmed.split(SPACES)
  const shorthand = word.toLowerCase()
  if (rest.length > 0 && SHORTHANDS.includes(shorthand)) {
    return `'${expression}' is not a cron expression: use ${FIVE_FIELDS}, e.g. ${
      exampleFor(shorthand, rest.join(" "))}, or a shorthand alone (${shorthand})`
  }
  return `'${expression}' is not a shorthand: use ${SHORTHANDS.join(", ")} or @every <duration>, or ${FIVE_FIELDS}${
    Suggest.didYouMean(word, [...SHORTHANDS, "@every"])}`
}

const countProblem = (expression: string, fields: ReadonlyArray<string>): string => {
  const n = fields.length
  if (n === 1 && SHORTHANDS.includes(`@${fields[0]?.toLowerCase()}`)) {
    return `'${expression}' is not a cron expression: shorthands start with @, write '@${fields[0]?.toLowerCase()}'`
  }
  const found = `'${expression}' has ${n} field${n === 1 ? "" : "s"}, but a cron expression has ${FIVE_FIELDS}`
  // Quartz and Spring crons lead with seconds and may end with a year; Kubernetes has neither.
  const withoutSeconds = fields.slice(1, 6).join(" ")
  if (n === 6 && fieldsProblem(fields.slice(1)) === undefined) {
    return `${found}; Kubernetes has no seconds field: if the first field is seconds, drop it ('${withoutSeconds}')`
  }
  if (n === 6 && fieldsProblem(fields.slice(0, 5)) === undefined) {
    return `${found}; Kubernetes has no year field: if the last field is a year, drop it ('${fields.slice(0, 5).join(" ")}')`
  }
  if (n === 7 && fieldsProblem(fields.slice(1, 6)) === undefined) {
    return `${found}; Kubernetes has no seconds or year fields: drop the first and the last ('${withoutSeconds}')`
  }
  return `${found}, ${EXAMPLE}`
}

/**
 * Why `expression` is not a schedule Kubernetes accepts for a CronJob, as a message that names the fix, or
 * `undefined` if it is one: five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of
 * week 0-6 or SUN-SAT; names are case-insensitive) made of `*`, `?`, values, ranges `a-b`, steps `*\/n`, `a/n` and
 * `a-b/n`, and lists; or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly; or
 * `@every <Go duration>` (robfig's fixed interval, which Kubernetes' parser accepts too). The expression is taken as
 * is: Kubernetes does not trim a schedule, so the caller decides whether to.
 *
 * @example
 * problemOf("30 2 * * MON-FRI") // undefined
 * problemOf("0 25 * * *")       // "the hour field is 25, but hours run from 0 to 23"
 */
export const problemOf = (expression: string): string | undefined => {
  const zone = /^(?:CRON_)?TZ=(\S*)/.exec(expression)
  if (zone !== null) {
    // Kubernetes refuses a TZ= prefix (robfig's own way to give a zone) since the timeZone field exists.
    return `the cron expression cannot carry a time zone: remove '${zone[0]}' and set timeZone: '${zone[1]}' instead`
  }
  if (trim(expression).startsWith("@")) return shorthandProblem(expression)
  const fields = expression.split(SPACES).filter((field) => field !== "")
  if (fields.length === 0) {
    return `the cron expression is empty: use ${FIVE_FIELDS}, ${EXAMPLE}, or a shorthand such as @daily`
  }
  if (fields.length !== 5) return countProblem(expression, fields)
  // Anything else holding "TZ", which Kubernetes also refuses, already failed above: no field or duration has a T or Z.
  return fieldsProblem(fields)
}
