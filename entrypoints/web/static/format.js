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
      return { text: `Completed ${subject}`, ok: true };
    case "delete_task":
      return { text: `Deleted ${subject}`, ok: true };
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
    update_task: "Updating a task", list_tasks: "Listing tasks" }[tool] || String(tool);
}

function details(args, today) {
  const parts = [];
  if (args.due_date) parts.push("due " + relativeDay(args.due_date, today));
  if (args.priority && args.priority !== "medium") parts.push(args.priority + " priority");
  return parts.length ? ", " + parts.join(", ") : "";
}

function changes(args, today) {
  const parts = [];
  if ("title" in args) parts.push("renamed");
  if ("due_date" in args) parts.push(args.due_date ? "due " + relativeDay(args.due_date, today) : "no due date");
  if ("priority" in args) parts.push(args.priority + " priority");
  if ("completed" in args) parts.push(args.completed ? "done" : "reopened");
  if ("description" in args) parts.push("notes changed");
  return parts.length ? " (" + parts.join(", ") + ")" : "";
}

const CHANGING = new Set(["add_task", "complete_task", "delete_task", "update_task"]);

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
  return call && call.tool !== "list_tasks";
}

/** The browser's IANA time zone, or UTC when it has none. */
export function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}
