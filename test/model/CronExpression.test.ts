import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Result } from "effect"
import * as CronExpression from "../../model/CronExpression.ts"
import * as GoDuration from "../../model/GoDuration.ts"

const FIVE = "five fields (minute hour day-of-month month day-of-week)"

// Schedules robfig/cron v3.0.1's ParseStandard accepts (the parser the Kubernetes API server validates with).
const valid: ReadonlyArray<string> = [
  "* * * * *",
  "0 3 * * *",
  "30 2 * * *",
  "0 3 * * MON-FRI",
  "0 3 * * mon-fri",
  "0 3 * * Mon,Wed,Fri",
  "0 0 1 JAN *",
  "0 0 1 jan-dec/3 *",
  "*/15 * * * *",
  "0-30/10 * * * *",
  "5/15 * * * *",
  "0 9-17 * * 1-5",
  "0 0 1,15 * *",
  "59 23 31 12 6",
  "0 0 * * 0",
  "0 0 * * SUN",
  "0 0 * * SAT",
  "0 0 ? * *",
  "0 0 * * ?",
  "0 12 * * ?",
  // robfig's quirks, kept because the API server accepts them.
  "? ? ? ? ?",
  "*-5 * * * *",
  "1,,2 * * * *",
  ", * * * *",
  "+5 007 * * *",
  "*/100 * * * *",
  "*/1 * * * *",
  "  0   3 * *  *  ",
  "0\t3\t*\t*\t*",
  "0 3 * * *\n",
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
  "@every 1h",
  "@every 1h30m",
  "@every 90s",
  "@every 1.5h",
  "@every 0"
]

describe("CronExpression.problemOf accepts", () => {
  for (const expression of valid) {
    test(JSON.stringify(expression), () => assert.equal(CronExpression.problemOf(expression), undefined))
  }
})

const invalid: ReadonlyArray<readonly [string, string]> = [
  // Values out of range.
  ["0 25 * * *", "the hour field is 25, but hours run from 0 to 23"],
  ["60 * * * *", "the minute field is 60, but minutes run from 0 to 59"],
  ["* * 0 * *", "the day-of-month field is 0, but days of the month run from 1 to 31"],
  ["* * 32 * *", "the day-of-month field is 32, but days of the month run from 1 to 31"],
  ["* * * 13 *", "the month field is 13, but months run from 1 to 12 (JAN to DEC)"],
  ["* * * 0 *", "the month field is 0, but months run from 1 to 12 (JAN to DEC)"],
  ["* * * * 8", "the day-of-week field is 8, but days of the week run from 0 to 6 (SUN to SAT)"],
  ["* * * * 7", "the day-of-week field is 7, but days of the week run from 0 to 6 (SUN to SAT): use 0 for Sunday"],
  ["0 24 * * *", "the hour field is 24, but hours run from 0 to 23: use 0 for midnight"],
  ["0 0 1,32 * *", "the day-of-month field has 32 (in '1,32'), but days of the month run from 1 to 31"],
  ["0 20-24 * * *", "the hour field has 24 (in '20-24'), but hours run from 0 to 23: use 0 for midnight"],
  ["70/5 * * * *", "the minute field has 70 (in '70/5'), but minutes run from 0 to 59"],
  ["-5 * * * *", "the minute field is '-5', but minutes run from 0 to 59"],
  // Steps.
  ["*/0 * * * *", "the minute field has a step of 0 in '*/0': a step must be 1 or more, e.g. '*/5'"],
  ["0 0 * * 1-5/0", "the day-of-week field has a step of 0 in '1-5/0': a step must be 1 or more, e.g. '*/5'"],
  ["*/-1 * * * *", "the minute field has a step of -1 in '*/-1': a step must be 1 or more, e.g. '*/5'"],
  ["*/ * * * *", "the minute field is '*/', which has no step after the '/': write e.g. '*/5'"],
  ["*/x * * * *", "the minute field is '*/x', whose step 'x' is not a number: write e.g. '*/5'"],
  ["/5 * * * *", "the minute field is '/5', which has nothing before the '/': write '*/5'"],
  ["1/2/3 * * * *", "the minute field is '1/2/3', which has more than one '/': write a step as '*/n' or 'a-b/n'"],
  // Ranges.
  ["5-1 * * * *", "the minute field is '5-1', a range that runs backwards: write '1-5', or '5-59,0-1' to wrap around"],
  ["0 22-2 * * *", "the hour field is '22-2', a range that runs backwards: write '2-22', or '22-23,0-2' to wrap around"],
  ["0 0 * * FRI-MON", "the day-of-week field is 'FRI-MON', a range that runs backwards: write 'MON-FRI', or 'FRI-SAT,SUN-MON' to wrap around"],
  ["0 0 * NOV-FEB *", "the month field is 'NOV-FEB', a range that runs backwards: write 'FEB-NOV', or 'NOV-DEC,JAN-FEB' to wrap around"],
  ["10-5/2 * * * *", "the minute field is '10-5/2', a range that runs backwards: write '5-10/2'"],
  ["1-2-3 * * * *", "the minute field is '1-2-3', which has more than one '-': write a range as 'a-b'"],
  ["5- * * * *", "the minute field is '5-', which is an incomplete range: write both ends, e.g. '5-59'"],
  ["0 0 * * MON-", "the day-of-week field is 'MON-', which is an incomplete range: write both ends, e.g. 'MON-SAT'"],
  ["- * * * *", "the minute field is '-', which is an incomplete range: write both ends, e.g. '0-59'"],
  ["/ * * * *", "the minute field is '/', which has nothing before the '/': write '*/5'"],
  // Names.
  ["0 3 * * MON-FRY", "the day-of-week field has 'FRY' (in 'MON-FRY'), which is not a day: use SUN, MON, TUE, WED, THU, FRI or SAT, or 0 to 6 (did you mean 'FRI'?)"],
  ["0 0 * * Friday", "the day-of-week field is 'Friday', which is not a day: use SUN, MON, TUE, WED, THU, FRI or SAT, or 0 to 6 (did you mean 'FRI'?)"],
  ["0 0 * * thurs", "the day-of-week field is 'thurs', which is not a day: use SUN, MON, TUE, WED, THU, FRI or SAT, or 0 to 6 (did you mean 'THU'?)"],
  ["0 0 * * weekday", "the day-of-week field is 'weekday', which is not a day: use SUN, MON, TUE, WED, THU, FRI or SAT, or 0 to 6"],
  ["0 0 * JANUARY *", "the month field is 'JANUARY', which is not a month: use JAN, FEB, MAR, APR, MAY, JUN, JUL, AUG, SEP, OCT, NOV or DEC, or 1 to 12 (did you mean 'JAN'?)"],
  ["0 0 * * JAN", "the day-of-week field is 'JAN', which is not a day: use SUN, MON, TUE, WED, THU, FRI or SAT, or 0 to 6"],
  ["MON * * * *", "the minute field is 'MON', which is not a number: minutes run from 0 to 59"],
  ["0 3pm * * *", "the hour field is '3pm', but hours are numbers from 0 to 23: write 15"],
  ["0 3:30pm * * *", "the hour field is '3:30pm', but hours are numbers from 0 to 23: write 15 and 30 in the minute field"],
  ["0 12am * * *", "the hour field is '12am', but hours are numbers from 0 to 23: write 0"],
  ["0 0 1st * *", "the day-of-month field is '1st', which is not a number: days of the month run from 1 to 31"],
  // Quartz syntax.
  ["0 0 * * 5L", "the day-of-week field is '5L', but Kubernetes cron has no L, W or # (Quartz syntax): list the values instead, e.g. 'MON-FRI' or '1,5'"],
  ["0 0 * * MON#2", "the day-of-week field is 'MON#2', but Kubernetes cron has no L, W or # (Quartz syntax): list the values instead, e.g. 'MON-FRI' or '1,5'"],
  ["0 0 L * *", "the day-of-month field is 'L', but Kubernetes cron has no L, W or # (Quartz syntax): list the values instead, e.g. '1,15' or '28-31'"],
  ["0 0 15W * *", "the day-of-month field is '15W', but Kubernetes cron has no L, W or # (Quartz syntax): list the values instead, e.g. '1,15' or '28-31'"],
  // Field counts.
  ["* * * *", `'* * * *' has 4 fields, but a cron expression has ${FIVE}, e.g. '0 3 * * *' for 3am every day`],
  ["3am", `'3am' has 1 field, but a cron expression has ${FIVE}, e.g. '0 3 * * *' for 3am every day`],
  ["0 0 3 * * ?", `'0 0 3 * * ?' has 6 fields, but a cron expression has ${FIVE}; Kubernetes has no seconds field: if the first field is seconds, drop it ('0 3 * * ?')`],
  ["0 3 * * * 2025", `'0 3 * * * 2025' has 6 fields, but a cron expression has ${FIVE}; Kubernetes has no year field: if the last field is a year, drop it ('0 3 * * *')`],
  ["0 0 3 * * ? 2025", `'0 0 3 * * ? 2025' has 7 fields, but a cron expression has ${FIVE}; Kubernetes has no seconds or year fields: drop the first and the last ('0 3 * * ?')`],
  ["0 0 0 3 * * *", `'0 0 0 3 * * *' has 7 fields, but a cron expression has ${FIVE}; Kubernetes has no seconds or year fields: drop the first and the last ('0 0 3 * *')`],
  ["99 0 3 * * 8", `'99 0 3 * * 8' has 6 fields, but a cron expression has ${FIVE}, e.g. '0 3 * * *' for 3am every day`],
  ["", `the cron expression is empty: use ${FIVE}, e.g. '0 3 * * *' for 3am every day, or a shorthand such as @daily`],
  ["   ", `the cron expression is empty: use ${FIVE}, e.g. '0 3 * * *' for 3am every day, or a shorthand such as @daily`],
  ["daily", "'daily' is not a cron expression: shorthands start with @, write '@daily'"],
  ["Hourly", "'Hourly' is not a cron expression: shorthands start with @, write '@hourly'"],
  // Shorthands.
  ["@daily 3am", `'@daily 3am' is not a cron expression: use ${FIVE}, e.g. '0 3 * * *' for 3am every day, or a shorthand alone (@daily)`],
  ["@daily at 15:30", `'@daily at 15:30' is not a cron expression: use ${FIVE}, e.g. '30 15 * * *' for 3:30pm every day, or a shorthand alone (@daily)`],
  ["@midnight sharp", `'@midnight sharp' is not a cron expression: use ${FIVE}, e.g. '0 3 * * *' for 3am every day, or a shorthand alone (@midnight)`],
  ["@weekly monday 9:30am", `'@weekly monday 9:30am' is not a cron expression: use ${FIVE}, e.g. '30 9 * * 1' for 9:30am every Monday, or a shorthand alone (@weekly)`],
  ["@monthly at noon", `'@monthly at noon' is not a cron expression: use ${FIVE}, e.g. '0 12 1 * *' for noon on the 1st of every month, or a shorthand alone (@monthly)`],
  ["@yearly 12:05 am", `'@yearly 12:05 am' is not a cron expression: use ${FIVE}, e.g. '5 0 1 1 *' for 12:05am every January 1st, or a shorthand alone (@yearly)`],
  ["@hourly 15", `'@hourly 15' is not a cron expression: use ${FIVE}, e.g. '15 * * * *' for minute 15 of every hour, or a shorthand alone (@hourly)`],
  ["@Daily 3am", `'@Daily 3am' is not a cron expression: use ${FIVE}, e.g. '0 3 * * *' for 3am every day, or a shorthand alone (@daily)`],
  ["@DAILY", "'@DAILY' is not a shorthand: shorthands are lower case, write '@daily'"],
  ["@Every 5m", "'@Every 5m' is not a shorthand: shorthands are lower case, write '@every 5m'"],
  ["@dayly", `'@dayly' is not a shorthand: use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>, or ${FIVE} (did you mean '@daily'?)`],
  ["@reboot", `'@reboot' is not a shorthand: use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>, or ${FIVE}`],
  ["@daily ", "'@daily ' has spaces around the shorthand: write '@daily'"],
  [" @hourly", "' @hourly' has spaces around the shorthand: write '@hourly'"],
  ["@every", "'@every' needs a duration: write e.g. '@every 1h30m'"],
  ["@every5m", "'@every5m' needs a space: write '@every 5m'"],
  ["@every  5m", "'@every  5m' has extra spaces: write '@every 5m'"],
  ["@every 1 hour", "'@every 1 hour' has no valid duration: write a Go duration such as '@every 1h30m' (units h, m, s, ms, us, ns)"],
  ["@every 10", "'@every 10' has no valid duration: write a Go duration such as '@every 1h30m' (units h, m, s, ms, us, ns)"],
  ["@every 2d", "'@every 2d' uses days, which Go durations lack: write '@every 48h'"],
  // Kubernetes refuses robfig's TZ= prefix.
  ["TZ=Europe/Paris 0 3 * * *", "the cron expression cannot carry a time zone: remove 'TZ=Europe/Paris' and set timeZone: 'Europe/Paris' instead"],
  ["CRON_TZ=UTC @daily", "the cron expression cannot carry a time zone: remove 'CRON_TZ=UTC' and set timeZone: 'UTC' instead"]
]

describe("CronExpression.problemOf refuses", () => {
  for (const [expression, message] of invalid) {
    test(JSON.stringify(expression), () => assert.equal(CronExpression.problemOf(expression), message))
  }
})

// A literal port of robfig/cron v3.0.1's ParseStandard (parser.go, spec.go) and Kubernetes' TZ check, used only to
// compare which schedules are accepted, over generated expressions that mix valid and invalid parts.
const referenceAccepts = (spec: string): boolean => {
  interface Bounds {
    readonly min: number
    readonly max: number
    readonly names?: ReadonlyArray<string>
  }
  const bounds: ReadonlyArray<Bounds> = [
    { min: 0, max: 59 },
    { min: 0, max: 23 },
    { min: 1, max: 31 },
    { min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
    { min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] }
  ]
  const atoi = (s: string): number => {
    if (!/^[+-]?[0-9]+$/.test(s) || Number(s) < 0) throw new Error(s)
    return Number(s)
  }
  const intOrName = (s: string, r: Bounds): number => {
    const i = r.names?.indexOf(s.toLowerCase()) ?? -1
    return i >= 0 ? r.min + i : atoi(s)
  }
  const getRange = (expr: string, r: Bounds): void => {
    const rangeAndStep = expr.split("/")
    const lowAndHigh = (rangeAndStep[0] ?? "").split("-")
    let start: number
    let end: number
    let step = 1
    if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
      start = r.min
      end = r.max
    } else {
      start = intOrName(lowAndHigh[0] ?? "", r)
      if (lowAndHigh.length === 1) end = start
      else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1] ?? "", r)
      else throw new Error("too many hyphens")
    }
    if (rangeAndStep.length === 2) {
      step = atoi(rangeAndStep[1] ?? "")
      if (lowAndHigh.length === 1) end = r.max
    } else if (rangeAndStep.length > 2) throw new Error("too many slashes")
    if (start < r.min || end > r.max || start > end || step === 0) throw new Error("range")
  }
  if (spec.includes("TZ") || spec === "") return false
  if (spec.startsWith("@")) {
    if (["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"].includes(spec)) return true
    return spec.startsWith("@every ") && Result.isSuccess(GoDuration.parseDuration(spec.slice("@every ".length)))
  }
  const fields = spec.split(/[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/).filter((f) => f !== "")
  if (fields.length !== 5) return false
  try {
    fields.forEach((field, i) => field.split(",").filter((item) => item !== "").forEach((item) => getRange(item, bounds[i] ?? bounds[0]!)))
    return true
  } catch {
    return false
  }
}

describe("CronExpression.problemOf agrees with robfig/cron", () => {
  test("on generated expressions", () => {
    // A fixed-seed generator (mulberry32) so that a failure can be reproduced.
    let seed = 20240601
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
    const pick = <T>(xs: ReadonlyArray<T>): T => xs[Math.floor(random() * xs.length)] as T
    const values = ["0", "1", "5", "6", "7", "12", "13", "23", "24", "31", "32", "59", "60", "+3", "007", "", "x", "mon", "Fri", "JAN", "dec", "sun", "L"]
    const item = (): string => {
      const span = pick(["*", "?", pick(values), `${pick(values)}-${pick(values)}`, `*-${pick(values)}`, `${pick(values)}-${pick(values)}-${pick(values)}`])
      return random() < 0.3 ? `${span}/${pick(["0", "1", "2", "5", "100", "", "-1", "+2", "x", "3/4"])}` : span
    }
    const field = (): string => Array.from({ length: 1 + Math.floor(random() * 3) }, () => (random() < 0.05 ? "" : item())).join(",")
    let accepted = 0
    for (let i = 0; i < 20_000; i++) {
      const count = random() < 0.9 ? 5 : Math.floor(random() * 8)
      let spec = Array.from({ length: count }, field).join(pick([" ", " ", "  ", "\t"]))
      if (random() < 0.03) spec = pick(["@daily", "@every ", "@hourly", "@Daily", "@every 1h", "@every 1d", "TZ=UTC "]) + pick(["", "", " ", "5m", "3am"])
      const expected = referenceAccepts(spec)
      const problem = CronExpression.problemOf(spec)
      assert.equal(problem === undefined, expected, `${JSON.stringify(spec)}: ${problem}`)
      if (problem !== undefined) assert.ok(problem.length > 0)
      if (expected) accepted++
    }
    assert.ok(accepted > 50, `only ${accepted} generated expressions were valid`)
  })
})
