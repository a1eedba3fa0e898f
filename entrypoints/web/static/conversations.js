// The list of past conversations: reopen one, or delete it.
import { items } from "./api.js";
import { $, h, show } from "./dom.js";
import { shortTime } from "./format.js";
import { icon } from "./icons.js";

const CONFIRM_MS = 4000;

export class ConversationList {
  /**
   * @param {() => import("./api.js").Client} client
   * @param {{open: (id: string) => void, deleted: (id: string) => void,
   *          onError: (error: Error, doing: string) => void, announce: (text: string) => void}} hooks
   */
  constructor(client, hooks) {
    this.client = client;
    this.hooks = hooks;
    this.list = $("conversation-list");
    this.empty = $("conversations-empty");
    this.current = null;
    this.generation = 0;
  }

  reset() {
    this.generation++;
    this.current = null;
    this.list.replaceChildren();
    show(this.empty, true);
  }

  select(id) {
    this.current = id;
    for (const button of this.list.querySelectorAll(".conversation-open")) {
      if (button.dataset.conversationId === id) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
  }

  async refresh() {
    const client = this.client();
    if (!client) return; // signed out meanwhile
    const generation = ++this.generation;
    let page;
    try {
      page = await client.conversations();
    } catch (error) {
      if (generation === this.generation) this.hooks.onError(error, "load your conversations");
      return;
    }
    if (generation !== this.generation) return;
    const conversations = items(page);
    this.known = new Map(conversations.map((c) => [c.id, c]));
    this.list.replaceChildren(...conversations.map((c) => this.row(c)));
    show(this.empty, conversations.length === 0);
    this.select(this.current);
    if (this.hooks.refreshed) this.hooks.refreshed(this.known.get(this.current) || null);
  }

  row(conversation) {
    const title = conversation.title || "Conversation";
    const when = conversation.updated_at || conversation.created_at;
    return h("li", { class: "conversation" },
      h("button", {
        type: "button", class: "conversation-open", dataset: { conversationId: conversation.id },
        onclick: () => this.hooks.open(conversation.id),
      },
      h("span", { class: "conversation-title" }, title),
      when ? h("time", { class: "conversation-time muted", datetime: when }, shortTime(when)) : null),
      h("button", {
        type: "button", class: "icon-button danger", title: "Delete conversation",
        "aria-label": `Delete conversation: ${title}`,
        onclick: (event) => this.remove(conversation, title, event.currentTarget),
      }, icon("trash")));
  }

  async remove(conversation, title, button) {
    if (!button.classList.contains("armed")) {
      button.classList.add("armed");
      button.setAttribute("aria-label", `Click again to delete conversation: ${title}`);
      button.replaceChildren(h("span", { class: "confirm-text" }, "Delete?"));
      const disarm = () => {
        if (!button.isConnected || !button.classList.contains("armed")) return;
        button.classList.remove("armed");
        button.setAttribute("aria-label", `Delete conversation: ${title}`);
        button.replaceChildren(icon("trash"));
      };
      setTimeout(disarm, CONFIRM_MS);
      button.addEventListener("blur", disarm, { once: true });
      return;
    }
    button.disabled = true;
    try {
      await this.client().deleteConversation(conversation.id);
      this.hooks.announce(`Deleted conversation: ${title}`);
      this.hooks.deleted(conversation.id);
    } catch (error) {
      this.hooks.onError(error, "delete the conversation");
    }
    await this.refresh();
  }
}
