// The task panel: the user's tasks by REST, ticked, edited and deleted in place; their lists
// (labels) as chips and a filter; repeating tasks marked; the trash, with restore.
import { items } from "./api.js";
import { $, clear, h, show } from "./dom.js";
import { REPEAT_CHOICES, describeRule, isOverdue, localToday, parseLabels, relativeDay, repeatChoice } from "./format.js";
import { icon } from "./icons.js";

const CONFIRM_MS = 4000;
const TRASH_DAYS = 30;

export class TaskPanel {
  /**
   * @param {() => import("./api.js").Client} client
   * @param {(error: Error, doing: string) => void} onError
   * @param {(text: string) => void} announce
   */
  constructor(client, onError, announce) {
    this.client = client;
    this.onError = onError;
    this.announce = announce;
    this.list = $("task-list");
    this.empty = $("tasks-empty");
    this.count = $("task-count");
    this.filter = $("task-filter");
    this.labelFilter = $("label-filter");
    this.trashToggle = $("trash-toggle");
    this.trashList = $("trash-list");
    this.trashEmpty = $("trash-empty");
    this.inTrash = false;
    this.generation = 0; // only the newest refresh may render
    this.filter.addEventListener("change", () => this.refresh());
    this.labelFilter.addEventListener("change", () => this.refresh());
    this.trashToggle.addEventListener("click", () => this.showTrash(!this.inTrash));
    $("new-task").addEventListener("submit", (event) => this.addByHand(event));
  }

  reset() {
    this.generation++;
    this.showTrash(false, { refresh: false });
    clear(this.list);
    clear(this.trashList);
    this.labelFilter.replaceChildren(h("option", { value: "" }, "All lists"));
    show($("label-filter-box"), false);
    this.count.textContent = "";
    show(this.empty, false);
  }

  /** Switch between the tasks and the trash (the toggle button says which is shown). */
  showTrash(on, { refresh = true } = {}) {
    this.inTrash = on;
    this.trashToggle.setAttribute("aria-pressed", String(on));
    $("tasks-title").textContent = on ? "Trash" : "Tasks";
    show($("task-filters"), !on);
    show($("new-task"), !on);
    show(this.list, !on);
    show(this.empty, false);
    show(this.trashList, on);
    show(this.trashEmpty, false);
    if (refresh) this.refresh().then(() => this.trashToggle.focus());
  }

  async refresh() {
    const client = this.client();
    if (!client) return; // signed out meanwhile
    const generation = ++this.generation;
    if (this.inTrash) return this.refreshTrash(client, generation);
    let page;
    let labels;
    try {
      [page, labels] = await Promise.all([
        client.tasks(this.filter.value, this.labelFilter.value),
        client.labels().catch(() => null), // the list filter is a convenience: tasks still show
      ]);
    } catch (error) {
      if (generation === this.generation) this.onError(error, "load your tasks");
      return;
    }
    if (generation !== this.generation) return;
    if (labels) this.fillLabels(items(labels));
    const tasks = items(page);
    const today = localToday();
    // Keep an open editor alive across refreshes caused by chat activity.
    const editing = this.list.querySelector(".task.editing");
    const editingId = editing ? editing.dataset.taskId : null;
    const rows = tasks.map((task) =>
      editingId === String(task.id) ? editing : this.row(task, today));
    this.list.replaceChildren(...rows);
    show(this.empty, tasks.length === 0);
    const total = typeof page.total === "number" ? page.total : tasks.length;
    const kind = { all: "task", pending: "pending task", completed: "done task" }[this.filter.value];
    const list = this.labelFilter.value ? ` on ${this.labelFilter.value}` : "";
    this.count.textContent = total ? `${total} ${kind}${total === 1 ? "" : "s"}${list}` : "";
  }

  /** The list filter: "All lists", then each label with its count; the choice survives refreshes. */
  fillLabels(labels) {
    const chosen = this.labelFilter.value;
    const options = [h("option", { value: "" }, "All lists")];
    for (const { name, count } of labels) {
      options.push(h("option", { value: name, selected: name === chosen }, `${name} (${count})`));
    }
    if (chosen && !labels.some((label) => label.name === chosen)) {
      // Filtering on a list that just emptied: keep it chosen (and say so) rather than jump.
      options.push(h("option", { value: chosen, selected: true }, `${chosen} (0)`));
    }
    this.labelFilter.replaceChildren(...options);
    this.labelFilter.value = chosen;
    show($("label-filter-box"), options.length > 1);
  }

  row(task, today) {
    const checkId = `task-done-${task.id}`;
    const li = h("li", { class: task.completed ? "task done" : "task", dataset: { taskId: task.id } },
      h("input", {
        type: "checkbox", id: checkId, checked: task.completed,
        onchange: (event) => this.toggle(task, event.target),
      }),
      h("div", { class: "task-body" },
        h("label", { for: checkId, class: "task-title" }, task.title),
        h("div", { class: "task-meta" }, this.meta(task, today)),
        chips(task.labels)),
      h("div", { class: "task-actions" },
        h("button", { type: "button", class: "icon-button", "aria-label": `Edit task ${task.id}: ${task.title}`,
          title: "Edit title, lists and repeat", onclick: () => this.edit(li, task) }, icon("edit")),
        h("button", { type: "button", class: "icon-button danger", "aria-label": `Delete task ${task.id}: ${task.title}`,
          title: "Delete (to the trash)", onclick: (event) => this.remove(task, event.currentTarget) }, icon("trash"))));
    return li;
  }

  meta(task, today) {
    const meta = [h("span", { class: "task-id" }, `#${task.id}`)];
    // A done task's due date and priority no longer matter: not shown, so nothing red lingers.
    if (task.due_date && !task.completed) {
      const overdue = isOverdue(task, today);
      meta.push(h("span", { class: overdue ? "due overdue" : "due" },
        (overdue ? "overdue, was due " : "due ") + relativeDay(task.due_date, today)));
    }
    if (task.recurrence) meta.push(repeatMark(task.recurrence));
    if (task.priority && task.priority !== "medium" && !task.completed) {
      meta.push(h("span", { class: `priority priority-${task.priority}` }, `${task.priority} priority`));
    }
    return meta;
  }

  async toggle(task, checkbox) {
    checkbox.disabled = true;
    try {
      const updated = await this.client().toggleTask(task.id);
      let said = updated && updated.completed ? "done" : "reopened";
      if (updated && task.recurrence && !task.completed && !updated.completed) {
        checkbox.checked = false; // it stays pending, due on its next day
        said = `done, repeats: next due ${relativeDay(updated.due_date)}`;
      }
      this.announce(`Task ${task.id} ${said}: ${task.title}`);
    } catch (error) {
      checkbox.checked = task.completed;
      this.onError(error, `update task ${task.id}`);
    } finally {
      checkbox.disabled = false;
    }
    await this.refresh();
    const again = $(`task-done-${task.id}`);
    if (again) again.focus();
  }

  /** Edit in place: title, lists (comma-separated) and repeat. Enter saves, Escape cancels. */
  edit(li, task) {
    const body = li.querySelector(".task-body");
    const id = task.id;
    const choice = repeatChoice(task.recurrence);
    const title = h("input", {
      class: "task-title-input", value: task.title, maxlength: "255", "aria-label": `New title for task ${id}`,
    });
    const labels = h("input", {
      id: `task-labels-${id}`, class: "task-labels-input", value: (task.labels || []).join(", "),
      maxlength: "400", autocomplete: "off", spellcheck: "false", placeholder: "shopping, home",
    });
    const repeat = h("select", { id: `task-repeat-${id}` },
      REPEAT_CHOICES.map((c) => h("option", { value: c.value, selected: c.value === choice }, c.label)));
    const rule = h("input", {
      id: `task-rule-${id}`, class: "task-rule-input", value: choice === "custom" ? task.recurrence : "",
      maxlength: "255", autocomplete: "off", spellcheck: "false", placeholder: "FREQ=WEEKLY;BYDAY=MO",
      "aria-describedby": `task-rule-words-${id}`,
    });
    const words = h("span", { id: `task-rule-words-${id}`, class: "hint muted", "aria-live": "polite" });
    const sayRule = () => { words.textContent = rule.value.trim() ? describeRule(rule.value.trim()) : ""; };
    sayRule();
    rule.addEventListener("input", sayRule);
    const ruleBox = h("div", { class: "editor-rule", hidden: choice !== "custom" },
      h("label", { for: rule.id }, "Rule"), rule, words);
    repeat.addEventListener("change", () => {
      show(ruleBox, repeat.value === "custom");
      if (repeat.value === "custom") rule.focus();
    });
    const save = h("button", { type: "submit", class: "button-primary" }, "Save");
    const cancel = h("button", { type: "button", class: "button-quiet" }, "Cancel");
    const form = h("form", { class: "task-editor", "aria-label": `Edit task ${id}` },
      title,
      h("label", { for: labels.id }, "Lists ", h("span", { class: "muted" }, "(comma-separated)")), labels,
      h("label", { for: repeat.id }, "Repeats"), repeat,
      ruleBox,
      h("div", { class: "editor-actions" }, save, cancel));

    const fields = form.querySelectorAll("input, select, button");
    let settled = false;
    const finish = async (keep) => {
      if (settled) return;
      settled = true;
      if (keep) {
        const changes = this.changes(task, title.value.trim(), labels.value, repeat.value, rule.value.trim());
        if (changes === null) { // a custom repeat with no rule yet
          settled = false;
          rule.focus();
          return;
        }
        if (Object.keys(changes).length) {
          fields.forEach((el) => { el.disabled = true; });
          try {
            await this.client().updateTask(id, changes);
            this.announce(`Task ${id} saved: ${changes.title || task.title}`);
          } catch (error) {
            settled = false;
            fields.forEach((el) => { el.disabled = false; });
            this.onError(error, `change task ${id}`);
            const field = /recurrence/i.test(error.message) ? (repeat.value === "custom" ? rule : repeat)
              : /label/i.test(error.message) ? labels : title;
            field.focus();
            return;
          }
        }
      }
      li.classList.remove("editing");
      await this.refresh();
      const button = this.list.querySelector(`[data-task-id="${id}"] .icon-button`);
      if (button) button.focus();
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      finish(true);
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        finish(false);
      }
    });
    cancel.addEventListener("click", () => finish(false));
    // Leaving the editor (a click elsewhere) keeps what was typed, as the title editor always did.
    form.addEventListener("focusout", (event) => {
      if (!event.relatedTarget || !form.contains(event.relatedTarget)) {
        const from = event.target;
        setTimeout(() => {
          if (form.contains(document.activeElement)) return;
          // Focus lost because its field was just hidden (a repeat choice without a rule): stay.
          if (from.closest("[hidden]") && form.isConnected && document.activeElement === document.body) {
            repeat.focus();
            return;
          }
          finish(true);
        }, 0);
      }
    });
    li.classList.add("editing");
    body.replaceChildren(form);
    title.focus();
    title.select();
  }

  /** The PATCH body for what the editor changed; null when a custom repeat has no rule. */
  changes(task, title, labelText, choice, ruleText) {
    const changes = {};
    if (title && title !== task.title) changes.title = title;
    const labels = parseLabels(labelText);
    const before = task.labels || [];
    if (labels.length !== before.length || labels.some((label, i) => label !== before[i])) changes.labels = labels;
    let rule = REPEAT_CHOICES.find((c) => c.value === choice).rule;
    if (choice === "custom") {
      if (!ruleText) return null;
      rule = ruleText;
    }
    if ((rule || null) !== (task.recurrence || null)) changes.recurrence = rule;
    return changes;
  }

  /** Two clicks to delete: the first arms the button for a few seconds. */
  async remove(task, button) {
    if (!arm(button, `Click again to delete task ${task.id}: ${task.title}`, "Delete?")) return;
    button.disabled = true;
    try {
      await this.client().deleteTask(task.id);
      this.announce(`Deleted task ${task.id}: ${task.title}. It is in the trash for ${TRASH_DAYS} days.`);
    } catch (error) {
      this.onError(error, `delete task ${task.id}`);
    }
    await this.refresh();
    this.filter.focus();
  }

  async addByHand(event) {
    event.preventDefault();
    const input = $("new-task-title");
    const title = input.value.trim();
    if (!title) return;
    input.disabled = true;
    try {
      const task = await this.client().addTask(title);
      input.value = "";
      this.announce(`Added task ${task.id}: ${task.title}`);
    } catch (error) {
      this.onError(error, "add the task");
    } finally {
      input.disabled = false;
      input.focus();
    }
    await this.refresh();
  }

  // -------------------------------------------------------------- the trash

  async refreshTrash(client, generation) {
    let page;
    try {
      page = await client.trash();
    } catch (error) {
      if (generation === this.generation) this.onError(error, "load the trash");
      return;
    }
    if (generation !== this.generation || !this.inTrash) return;
    const tasks = items(page);
    const today = localToday();
    this.trashList.replaceChildren(...tasks.map((task) => this.trashRow(task, today)));
    show(this.trashEmpty, tasks.length === 0);
    const total = typeof page.total === "number" ? page.total : tasks.length;
    this.count.textContent = total
      ? `${total} task${total === 1 ? "" : "s"} in the trash, kept ${TRASH_DAYS} days` : "";
  }

  trashRow(task, today) {
    const deleted = task.deleted_at ? new Date(task.deleted_at) : null;
    const meta = [h("span", { class: "task-id" }, `#${task.id}`)];
    if (deleted && !Number.isNaN(deleted.getTime())) {
      const day = `${deleted.getFullYear()}-${String(deleted.getMonth() + 1).padStart(2, "0")}-${String(deleted.getDate()).padStart(2, "0")}`;
      meta.push(h("span", { class: "deleted" }, `deleted ${relativeDay(day, today)}`));
    }
    if (task.recurrence) meta.push(repeatMark(task.recurrence));
    return h("li", { class: task.completed ? "task trashed done" : "task trashed", dataset: { taskId: task.id } },
      h("div", { class: "task-body" },
        h("span", { class: "task-title" }, task.title),
        h("div", { class: "task-meta" }, meta),
        chips(task.labels)),
      h("div", { class: "task-actions" },
        h("button", { type: "button", class: "button-quiet restore", "aria-label": `Restore task ${task.id}: ${task.title}`,
          onclick: (event) => this.restore(task, event.currentTarget) }, "Restore"),
        h("button", { type: "button", class: "icon-button danger",
          "aria-label": `Delete task ${task.id} for good: ${task.title}`, title: "Delete for good",
          onclick: (event) => this.purge(task, event.currentTarget) }, icon("trash"))));
  }

  async restore(task, button) {
    button.disabled = true;
    try {
      await this.client().restoreTask(task.id);
      this.announce(`Restored task ${task.id}: ${task.title}`);
    } catch (error) {
      button.disabled = false;
      this.onError(error, `restore task ${task.id}`);
    }
    await this.refresh();
    this.trashToggle.focus();
  }

  async purge(task, button) {
    if (!arm(button, `Click again to delete task ${task.id} for good: ${task.title}`, "For good?")) return;
    button.disabled = true;
    try {
      await this.client().purgeTask(task.id);
      this.announce(`Task ${task.id} deleted for good: ${task.title}`);
    } catch (error) {
      this.onError(error, `delete task ${task.id} for good`);
    }
    await this.refresh();
    this.trashToggle.focus();
  }
}

/**
 * The first click arms a destructive button for a few seconds (and says so); the second,
 * while armed, goes ahead. Returns true on the second click.
 */
function arm(button, armedLabel, armedText) {
  if (button.classList.contains("armed")) return true;
  const label = button.getAttribute("aria-label");
  const content = [...button.childNodes];
  button.classList.add("armed");
  button.setAttribute("aria-label", armedLabel);
  button.replaceChildren(h("span", { class: "confirm-text" }, armedText));
  const disarm = () => {
    if (!button.isConnected || !button.classList.contains("armed")) return;
    button.classList.remove("armed");
    button.setAttribute("aria-label", label);
    button.replaceChildren(...content);
  };
  setTimeout(disarm, CONFIRM_MS);
  button.addEventListener("blur", disarm, { once: true });
  return false;
}

/** A task's lists as chips (nothing when it has none). */
function chips(labels) {
  if (!labels || !labels.length) return null;
  return h("ul", { class: "labels", "aria-label": "Lists" },
    labels.map((label) => h("li", { class: "label-chip" }, label)));
}

/** The repeat mark: an icon, its rule in words for screen readers and as the tooltip. */
function repeatMark(rule) {
  const words = `Repeats ${describeRule(rule)}`;
  return h("span", { class: "repeat", title: words, dataset: { rule } },
    icon("repeat"), h("span", { class: "visually-hidden" }, words));
}
