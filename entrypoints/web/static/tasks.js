// The task panel: the user's tasks by REST, ticked, renamed and deleted in place.
import { items } from "./api.js";
import { $, clear, h, show } from "./dom.js";
import { isOverdue, localToday, relativeDay } from "./format.js";
import { icon } from "./icons.js";

const CONFIRM_MS = 4000;

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
    this.generation = 0; // only the newest refresh may render
    this.filter.addEventListener("change", () => this.refresh());
    $("new-task").addEventListener("submit", (event) => this.addByHand(event));
  }

  reset() {
    this.generation++;
    clear(this.list);
    this.count.textContent = "";
    show(this.empty, false);
  }

  async refresh() {
    const client = this.client();
    if (!client) return; // signed out meanwhile
    const generation = ++this.generation;
    let page;
    try {
      page = await client.tasks(this.filter.value);
    } catch (error) {
      if (generation === this.generation) this.onError(error, "load your tasks");
      return;
    }
    if (generation !== this.generation) return;
    const tasks = items(page);
    const today = localToday();
    // Keep an open title editor alive across refreshes caused by chat activity.
    const editing = this.list.querySelector(".task.editing");
    const editingId = editing ? editing.dataset.taskId : null;
    const rows = tasks.map((task) =>
      editingId === String(task.id) ? editing : this.row(task, today));
    this.list.replaceChildren(...rows);
    show(this.empty, tasks.length === 0);
    const total = typeof page.total === "number" ? page.total : tasks.length;
    const label = { all: "task", pending: "pending task", completed: "done task" }[this.filter.value];
    this.count.textContent = total ? `${total} ${label}${total === 1 ? "" : "s"}` : "";
  }

  row(task, today) {
    const checkId = `task-done-${task.id}`;
    const meta = [h("span", { class: "task-id" }, `#${task.id}`)];
    // A done task's due date and priority no longer matter: not shown, so nothing red lingers.
    if (task.due_date && !task.completed) {
      const overdue = isOverdue(task, today);
      meta.push(h("span", { class: overdue ? "due overdue" : "due" },
        (overdue ? "overdue, was due " : "due ") + relativeDay(task.due_date, today)));
    }
    if (task.priority && task.priority !== "medium" && !task.completed) {
      meta.push(h("span", { class: `priority priority-${task.priority}` }, `${task.priority} priority`));
    }
    const li = h("li", { class: task.completed ? "task done" : "task", dataset: { taskId: task.id } },
      h("input", {
        type: "checkbox", id: checkId, checked: task.completed,
        onchange: (event) => this.toggle(task, event.target),
      }),
      h("div", { class: "task-body" },
        h("label", { for: checkId, class: "task-title" }, task.title),
        h("div", { class: "task-meta" }, meta)),
      h("div", { class: "task-actions" },
        h("button", { type: "button", class: "icon-button", "aria-label": `Edit task ${task.id}: ${task.title}`,
          title: "Edit title", onclick: () => this.edit(li, task) }, icon("edit")),
        h("button", { type: "button", class: "icon-button danger", "aria-label": `Delete task ${task.id}: ${task.title}`,
          title: "Delete", onclick: (event) => this.remove(task, event.currentTarget) }, icon("trash"))));
    return li;
  }

  async toggle(task, checkbox) {
    checkbox.disabled = true;
    try {
      const updated = await this.client().toggleTask(task.id);
      this.announce(`Task ${task.id} ${updated && updated.completed ? "done" : "reopened"}: ${task.title}`);
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

  edit(li, task) {
    const body = li.querySelector(".task-body");
    const input = h("input", {
      class: "task-title-input", value: task.title, maxlength: "255",
      "aria-label": `New title for task ${task.id}`,
    });
    let settled = false;
    const finish = async (save) => {
      if (settled) return;
      const title = input.value.trim();
      if (save && title && title !== task.title) {
        settled = true;
        input.disabled = true;
        try {
          await this.client().renameTask(task.id, title);
          this.announce(`Task ${task.id} renamed to ${title}`);
        } catch (error) {
          settled = false;
          input.disabled = false;
          this.onError(error, `rename task ${task.id}`);
          input.focus();
          return;
        }
      }
      settled = true;
      li.classList.remove("editing");
      await this.refresh();
      const button = this.list.querySelector(`[data-task-id="${task.id}"] .icon-button`);
      if (button) button.focus();
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        finish(true);
      } else if (event.key === "Escape") {
        event.preventDefault();
        finish(false);
      }
    });
    input.addEventListener("blur", () => finish(true));
    li.classList.add("editing");
    body.replaceChildren(input);
    input.focus();
    input.select();
  }

  /** Two clicks to delete: the first arms the button for a few seconds. */
  async remove(task, button) {
    if (!button.classList.contains("armed")) {
      button.classList.add("armed");
      button.setAttribute("aria-label", `Click again to delete task ${task.id}: ${task.title}`);
      button.replaceChildren(h("span", { class: "confirm-text" }, "Delete?"));
      const disarm = () => {
        if (!button.isConnected || !button.classList.contains("armed")) return;
        button.classList.remove("armed");
        button.setAttribute("aria-label", `Delete task ${task.id}: ${task.title}`);
        button.replaceChildren(icon("trash"));
      };
      setTimeout(disarm, CONFIRM_MS);
      button.addEventListener("blur", disarm, { once: true });
      return;
    }
    button.disabled = true;
    try {
      await this.client().deleteTask(task.id);
      this.announce(`Deleted task ${task.id}: ${task.title}`);
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
}
