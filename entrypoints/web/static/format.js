// Words for things: tool activity, due dates, times. Pure functions (no DOM).

const DAY_MS = 86400000;

/** Today's date in the browser's time zone, as YYYY-MM-DD. */
export function localToday(now = new Date()) {
  return isoDate(now);
}

function isoDate(d) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function parseDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}

/** "today", "tomorrow", "yesterday", "Friday" (within a week), else "12 Mar" / "12 Mar 2027". */
export function relativeDay(dateText, today = localToday()) {
  const date = parseDate(dateText);
  const base = parseDate(today);
  if (!date || !base) return dateText || "";
  const days = Math.round((date - base) / DAY_MS);
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  if (days === -1) return "yesterday";
  if (days > 1 && days < 7) return date.toLocaleDateString(undefined, { weekday: "long" });
  const sameYear = date.getFullYear() === base.getFullYear();
  return date.toLocaleDateString(undefined, { day: "numeric", month: "short", ...(sameYear ? {} : { year: "numeric" }) });
}

export function isOverdue(task, today = localToday()) {
  return !task.completed && Boolean(task.due_date) && task.due_date < today;
}

/**
 * When a conversation last moved, always with its day, in the same words as due dates:
 * "today 14:05", "yesterday 09:12", "Monday 18:30" this week, else "3 Mar" / "3 Mar 2025".
 */
export function shortTime(iso, now = new Date()) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "";
  const day = relativeDay(isoDate(when), isoDate(now));
  if (now - when >= 6 * DAY_MS) return day;
  return `${day} ${when.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}`;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * One line describing a tool call the assistant made, e.g.
 * "Added task 4: call mom, due tomorrow, high priority".
 * @returns {{text: string, ok: boolean}}
 */
export function describeToolCall(call, today = localToday()) {
  const args = (call && call.arguments) || {};
  const result = (call && call.result) || {};
  if (result.error) return { text: `${toolVerb(call.tool)} failed: ${result.error}`, ok: false };
  const subject = result.task_id !== undefined ? `task ${result.task_id}${result.title ? ": " + result.title : ""}` : "";
  switch (call.tool) {
    case "add_task":
      return { text: `Added ${subject}${details(args, today)}`, ok: true };
    case "complete_task":
      if (result.status === "rescheduled") {
        return { text: `Completed ${subject}, repeats: next due ${relativeDay(result.due_date, today)}`, ok: true };
      }
      return { text: `Completed ${subject}`, ok: true };
    case "delete_task":
      return { text: `Deleted ${subject} (in the trash for 30 days)`, ok: true };
    case "restore_task":
      return { text: `Restored ${subject}`, ok: true };
    case "list_trash": {
      const total = typeof result.total === "number" ? result.total : (result.tasks || []).length;
      return { text: `Listed ${plural(total, "task")} in the trash`, ok: true };
    }
    case "list_labels":
      return { text: `Listed ${plural((result.labels || []).length, "list")}`, ok: true };
    case "undo_last_change":
      return { text: result.message || (result.status === "nothing" ? "Nothing to undo" : "Undid the last change"), ok: true };
    case "update_task":
      return { text: `Updated ${subject}${changes(args, today)}`, ok: true };
    case "list_tasks": {
      const total = typeof result.total === "number" ? result.total : (result.tasks || []).length;
      let kind = "task";
      if (args.overdue) kind = "overdue task";
      else if (args.status === "completed") kind = "done task";
      else if (args.status === "pending") kind = "pending task";
      return { text: `Listed ${plural(total, kind)}`, ok: true };
    }
    default:
      return { text: `Used ${call.tool}`, ok: true };
  }
}

function toolVerb(tool) {
  return { add_task: "Adding a task", complete_task: "Completing a task", delete_task: "Deleting a task",
    update_task: "Updating a task", list_tasks: "Listing tasks", restore_task: "Restoring a task",
    list_trash: "Listing the trash", list_labels: "Listing your lists", undo_last_change: "Undoing" }[tool] || String(tool);
}

function details(args, today) {
  const parts = [];
  if (args.due_date) parts.push("due " + relativeDay(args.due_date, today));
  if (args.priority && args.priority !== "medium") parts.push(args.priority + " priority");
  if (args.recurrence) parts.push("repeats " + describeRule(args.recurrence));
  if (args.labels && args.labels.length) parts.push("on " + args.labels.join(", "));
  return parts.length ? ", " + parts.join(", ") : "";
}

function changes(args, today) {
  const parts = [];
  if ("title" in args) parts.push("renamed");
  if ("due_date" in args) parts.push(args.due_date ? "due " + relativeDay(args.due_date, today) : "no due date");
  if ("priority" in args) parts.push(args.priority + " priority");
  if ("completed" in args) parts.push(args.completed ? "done" : "reopened");
  if ("description" in args) parts.push("notes changed");
  if ("recurrence" in args) parts.push(args.recurrence ? "repeats " + describeRule(args.recurrence) : "stops repeating");
  if ("labels" in args) parts.push(args.labels.length ? "lists: " + args.labels.join(", ") : "no lists");
  if (args.add_labels && args.add_labels.length) parts.push("on " + args.add_labels.join(", "));
  if (args.remove_labels && args.remove_labels.length) parts.push("off " + args.remove_labels.join(", "));
  return parts.length ? " (" + parts.join(", ") + ")" : "";
}

const CHANGING = new Set(["add_task", "complete_task", "delete_task", "update_task", "restore_task"]);
const READING = new Set(["list_tasks", "list_trash", "list_labels"]);

/**
 * The reply without the sentences that restate a change a tool line already states, so each
 * action is said once, with the tool line's dates in the reader's locale ("due tomorrow", not
 * "due Fri 4 Dec" beside it). Sentences about anything else are kept.
 */
export function unsaidBy(response, toolCalls = []) {
  const subjects = [];
  for (const call of toolCalls || []) {
    const result = (call && call.result) || {};
    if (!CHANGING.has(call && call.tool) || result.error) continue;
    if (result.title) subjects.push(String(result.title).toLowerCase());
    if (result.task_id !== undefined) subjects.push(`task ${result.task_id}`);
  }
  if (!subjects.length || !response) return response || "";
  const sentences = response.split(/(?<=[.!?])\s+|\n+/);
  const kept = sentences.filter((s) => !subjects.some((subject) => s.toLowerCase().includes(subject)));
  return kept.join(" ").trim();
}

/** Does this tool call change tasks (so the task panel should refresh)? */
export function changesTasks(call) {
  return Boolean(call) && !READING.has(call.tool);
}

/** The browser's IANA time zone, or UTC when it has none. */
export function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

// ---------------------------------------------------------------- repeating tasks

const WEEKDAYS = { MO: "Monday", TU: "Tuesday", WE: "Wednesday", TH: "Thursday", FR: "Friday", SA: "Saturday", SU: "Sunday" };
const UNITS = { DAILY: "day", WEEKLY: "week", MONTHLY: "month", YEARLY: "year" };
const DESCRIBED = new Set(["FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "WKST", "COUNT", "UNTIL"]);
const NTH = { 1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", "-1": "last", "-2": "second to last" };

/** 1st, 2nd, 3rd, 4th, 11th, 21st; -1 is "last day". */
function ordinal(n) {
  if (n === -1) return "last day";
  if (n < 0) return null;
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : { 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th";
  return `${n}${suffix}`;
}

function andList(words) {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function untilDay(text) {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(text);
  if (!m) return null;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return date.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

/** The parts of an RRULE ("FREQ=WEEKLY;BYDAY=MO"), or null when it is not NAME=VALUE;... */
function ruleParts(rule) {
  const parts = {};
  for (const piece of String(rule).trim().replace(/^RRULE:/i, "").split(";")) {
    if (!piece) continue;
    const [name, value, extra] = piece.split("=");
    if (!name || !value || extra !== undefined) return null;
    parts[name.toUpperCase()] = value.toUpperCase();
  }
  return parts;
}

/**
 * An RRULE in words: "every Monday" for FREQ=WEEKLY;BYDAY=MO, "every month on the 1st",
 * "every 2 days", "every weekday"; a rule these words cannot say is returned as it is.
 */
export function describeRule(rule) {
  if (!rule) return "";
  const parts = ruleParts(rule);
  const unit = parts && UNITS[parts.FREQ];
  if (!unit || Object.keys(parts).some((name) => !DESCRIBED.has(name))) return String(rule);
  const every = Number(parts.INTERVAL || 1);
  if (!Number.isInteger(every) || every < 1) return String(rule);
  const period = every === 1 ? `every ${unit}` : `every ${every} ${unit}s`;
  let text = null;
  const days = parts.BYDAY ? parts.BYDAY.split(",") : [];
  const plainDays = days.every((d) => WEEKDAYS[d]);
  const monthDays = parts.BYMONTHDAY ? parts.BYMONTHDAY.split(",").map(Number) : [];
  if (monthDays.some((n) => !Number.isInteger(n) || !ordinal(n))) return String(rule);
  const weekdays = ["MO", "TU", "WE", "TH", "FR"];
  const isSet = (wanted) => days.length === wanted.length && wanted.every((d) => days.includes(d));
  if (parts.BYMONTH && parts.FREQ !== "YEARLY") return String(rule);
  if (parts.FREQ === "DAILY" || parts.FREQ === "WEEKLY") {
    if (monthDays.length || !plainDays) return String(rule);
    if (!days.length) text = period;
    else if (every === 1 && isSet(weekdays)) text = "every weekday";
    else if (every === 1 && isSet(["SA", "SU"])) text = "every weekend";
    else if (parts.FREQ === "WEEKLY" && every === 1) text = `every ${andList(days.map((d) => WEEKDAYS[d]))}`;
    else text = `${period} on ${andList(days.map((d) => WEEKDAYS[d]))}`;
  } else if (parts.FREQ === "MONTHLY") {
    if (days.length && monthDays.length) return String(rule);
    if (monthDays.length) text = `${period} on the ${andList(monthDays.map(ordinal))}`;
    else if (days.length === 1 && !plainDays) {
      const m = /^([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)$/.exec(days[0]);
      const nth = m && NTH[String(Number(m[1]))];
      if (!nth) return String(rule);
      text = `${period} on the ${nth} ${WEEKDAYS[m[2]]}`;
    } else if (!days.length) text = period;
    else return String(rule);
  } else {
    const months = parts.BYMONTH ? parts.BYMONTH.split(",").map(Number) : [];
    if (days.length || months.length > 1 || monthDays.length > 1 || months.some((n) => !(n >= 1 && n <= 12))) {
      return String(rule);
    }
    const month = months.length ? new Date(2000, months[0] - 1, 1).toLocaleDateString(undefined, { month: "long" }) : "";
    if (month && monthDays.length && monthDays[0] > 0) text = `${period} on ${monthDays[0]} ${month}`;
    else if (month && !monthDays.length) text = `${period} in ${month}`;
    else if (!month && !monthDays.length) text = period;
    else return String(rule);
  }
  if (parts.COUNT) {
    const left = Number(parts.COUNT);
    if (!Number.isInteger(left) || left < 1) return String(rule);
    text += left === 1 ? ", this is the last time" : `, ${left} times left`;
  }
  if (parts.UNTIL) {
    const day = untilDay(parts.UNTIL);
    if (!day) return String(rule);
    text += `, until ${day}`;
  }
  return text;
}

/** The repeat choices of the task editor, and the rule each one sets. */
export const REPEAT_CHOICES = [
  { value: "none", label: "Doesn’t repeat", rule: null },
  { value: "daily", label: "Every day", rule: "FREQ=DAILY" },
  { value: "weekly", label: "Every week", rule: "FREQ=WEEKLY" },
  { value: "monthly", label: "Every month", rule: "FREQ=MONTHLY" },
  { value: "custom", label: "Custom rule (RRULE)…", rule: undefined },
];

/** Which editor choice a task's rule is: a preset's exact rule, else custom (none for no rule). */
export function repeatChoice(rule) {
  if (!rule) return "none";
  const preset = REPEAT_CHOICES.find((choice) => choice.rule === rule);
  return preset ? preset.value : "custom";
}

/** Labels typed as "shopping, Home" -> ["shopping", "Home"] (kept as typed, no repeats by case). */
export function parseLabels(text) {
  const seen = new Set();
  const labels = [];
  for (const raw of String(text || "").split(",")) {
    const label = raw.trim().replace(/\s+/g, " ");
    const key = label.toLowerCase();
    if (!label || seen.has(key)) continue;
    seen.add(key);
    labels.push(label);
  }
  return labels;
}
