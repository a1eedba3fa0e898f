// The message log: user and assistant bubbles, tool activity inline, streaming text.
import { $, h, show } from "./dom.js";
import { describeToolCall, unsaidBy } from "./format.js";

export class ChatLog {
  constructor() {
    this.list = $("messages");
    this.empty = $("chat-empty");
    // Whether the reader is at the latest message; a resize (a rotated phone, a keyboard that
    // opens, a wider window) keeps them there instead of leaving the log mid-history.
    this.pinned = true;
    this.list.addEventListener("scroll", () => { this.pinned = this.nearBottom(); }, { passive: true });
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(() => { if (this.pinned) this.scroll(true); }).observe(this.list);
    }
  }

  clear() {
    this.list.replaceChildren();
    show(this.empty, true);
  }

  /** Render stored messages (oldest first). */
  load(messages) {
    this.list.replaceChildren();
    for (const message of messages) {
      if (message.role === "user") this.user(message.content);
      else if (message.role === "assistant") this.assistant().finish(message.content, message.tool_calls || []);
    }
    show(this.empty, messages.length === 0);
    this.scroll(true);
  }

  user(text) {
    show(this.empty, false);
    const li = h("li", { class: "message user" },
      h("span", { class: "visually-hidden" }, "You: "),
      h("p", { class: "message-text" }, text));
    this.list.append(li);
    this.scroll(true);
    return li;
  }

  /** An assistant bubble that fills in as the stream arrives. */
  assistant() {
    show(this.empty, false);
    const tools = h("ul", { class: "tool-activity", "aria-label": "What the assistant did" });
    const text = h("p", { class: "message-text" });
    const li = h("li", { class: "message assistant pending", "aria-busy": "true" },
      h("span", { class: "visually-hidden" }, "todo-chat: "),
      tools, text,
      h("span", { class: "typing", "aria-hidden": "true" }, h("span"), h("span"), h("span")));
    tools.hidden = true;
    this.list.append(li);
    this.scroll(true);
    const log = this;
    let shownCalls = 0;
    return {
      element: li,
      delta(chunk) {
        const near = log.nearBottom();
        text.textContent += chunk;
        log.scroll(near);
      },
      tool(call) {
        const near = log.nearBottom();
        shownCalls++;
        // A listing made only to find the task the model then changes is noise: drop it.
        const lookup = call.tool === "list_tasks";
        if (lookup && tools.querySelector(".tool:not(.lookup)")) return;
        if (!lookup) for (const line of tools.querySelectorAll(".tool.lookup")) line.remove();
        const { text: line, ok } = describeToolCall(call);
        tools.append(h("li", { class: `tool ${ok ? "ok" : "failed"}${lookup ? " lookup" : ""}` }, line));
        tools.hidden = false;
        log.scroll(near);
      },
      /** The final reply replaces what streamed, so the bubble matches what was stored. */
      finish(response, toolCalls = []) {
        for (const call of toolCalls.slice(shownCalls)) this.tool(call);
        text.textContent = unsaidBy(response, toolCalls);
        text.hidden = !text.textContent;
        li.classList.remove("pending");
        li.removeAttribute("aria-busy");
        log.scroll(log.nearBottom());
      },
      fail(message) {
        li.classList.remove("pending");
        li.removeAttribute("aria-busy");
        li.classList.add("failed");
        if (!text.textContent) li.remove();
        else li.append(h("p", { class: "message-note" }, message));
      },
    };
  }

  nearBottom() {
    const el = this.list;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  }

  scroll(force) {
    if (force) {
      this.list.scrollTop = this.list.scrollHeight;
      this.pinned = true;
    }
  }
}
