// todo-chat web chat: sign in, talk to the assistant, and manage tasks by hand.
import {
  ApiError, Client, MESSAGES_PAGE, NETWORK_DOWN, StreamUnsupported, items, login, register, tokenClaims,
} from "./api.js";
import { ChatLog } from "./chat.js";
import { ConversationList } from "./conversations.js";
import { $, show } from "./dom.js";
import { browserTimeZone, changesTasks } from "./format.js";
import * as store from "./session.js";
import { TaskPanel } from "./tasks.js";

const EXPIRED = "Your session expired, please log in again. What you typed is kept.";

const state = {
  session: null,
  client: null,
  conversationId: null,
  shown: null, // the conversation whose messages the log displays
  busy: false,
  turn: null, // AbortController of the running turn
};

const client = () => state.client;
const chat = new ChatLog();
const announcer = $("announcer");

function announce(text) {
  // Clearing first makes screen readers repeat an identical announcement.
  announcer.textContent = "";
  setTimeout(() => { announcer.textContent = text; }, 50);
}

/** Words for an error, by what the person was doing. Returns null when the session expired. */
function explain(error, doing) {
  if (error instanceof ApiError) {
    if (error.status === 401) {
      sessionExpired();
      return null;
    }
    if (error.code === NETWORK_DOWN) return `Couldn’t ${doing}: the server can’t be reached. Check your connection.`;
    if (error.status === 403) return `Couldn’t ${doing}: this token doesn’t give access to that account.`;
    if (error.code === "DATABASE_UNAVAILABLE") return `Couldn’t ${doing}: the database is unavailable, try again shortly.`;
    if (error.code === "RATE_LIMITED") return `Couldn’t ${doing}: too many requests, wait a moment and try again.`;
    return `Couldn’t ${doing}: ${error.message}`;
  }
  return `Couldn’t ${doing}: ${error.message || error}`;
}

const banner = $("banner");
function showBanner(text) {
  $("banner-text").textContent = text;
  show(banner, Boolean(text));
}
$("banner-close").addEventListener("click", () => {
  showBanner("");
  $("draft").focus();
});

function reportError(error, doing) {
  const text = explain(error, doing);
  if (text) showBanner(text);
}

const tasks = new TaskPanel(client, reportError, announce);
const conversations = new ConversationList(client, {
  open: (id) => openConversation(id),
  deleted: (id) => { if (id === state.conversationId) newChat(); },
  onError: reportError,
  announce,
  refreshed: (current) => { if (current && current.title) $("chat-title").textContent = current.title; },
});

// ---------------------------------------------------------------- views

function showAuth(message = "", tab = "signup") {
  show($("app-view"), false);
  show($("session-bar"), false);
  show($("auth-view"), true);
  selectTab(tab);
  const error = $("auth-error");
  error.textContent = message;
  show(error, Boolean(message));
  if (!message) focusFirstField();
}

function focusFirstField() {
  const form = document.querySelector("#auth-view form:not([hidden])");
  const field = form && [...form.querySelectorAll("input, textarea")].find((el) => !el.value) || form?.querySelector("input, textarea");
  if (field) field.focus();
}

function enterApp(session, { keepConversation = true } = {}) {
  const switching = state.session && state.session.userId !== session.userId;
  state.session = session;
  state.client = new Client(session.userId, session.token);
  store.saveSession(session);
  $("who").textContent = session.label || session.userId;
  show($("auth-view"), false);
  show($("auth-error"), false);
  show($("session-bar"), true);
  show($("app-view"), true);
  showBanner("");
  if (switching || !keepConversation) {
    store.saveConversation(null);
    state.conversationId = null;
  }
  const remembered = store.loadConversation();
  if (remembered && remembered !== state.shown) openConversation(remembered, { quiet: true });
  else if (!remembered) newChat({ focus: false });
  tasks.refresh();
  conversations.refresh();
  $("draft").focus();
}

function sessionExpired() {
  abortTurn();
  const email = store.loadEmail();
  store.saveSession(null);
  state.client = null;
  // The draft stays in the (hidden) textarea and in sessionStorage.
  showAuth(EXPIRED, "login");
  if (email) $("login-email").value = email;
  $(email ? "login-password" : "login-email").focus();
}

function logOut() {
  abortTurn();
  store.forgetSession();
  store.saveDraft("");
  state.session = null;
  state.client = null;
  state.conversationId = null;
  state.shown = null;
  $("draft").value = "";
  chat.clear();
  tasks.reset();
  conversations.reset();
  showBanner("");
  showAuth("", "login");
}

// ---------------------------------------------------------------- auth forms

const TABS = ["signup", "login", "token"];

function selectTab(name) {
  for (const tab of TABS) {
    const button = $(`tab-${tab}`);
    const selected = tab === name;
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    show($(`${tab}-form`), selected);
  }
  $("auth-title").textContent = { signup: "Create your account", login: "Welcome back", token: "Use a token" }[name];
}

for (const [index, tab] of TABS.entries()) {
  const button = $(`tab-${tab}`);
  button.addEventListener("click", () => {
    selectTab(tab);
    show($("auth-error"), false);
  });
  button.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length];
    selectTab(next);
    $(`tab-${next}`).focus();
  });
}

function authError(text) {
  const error = $("auth-error");
  error.textContent = text;
  show(error, true);
}

async function submitAuth(form, action) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  show($("auth-error"), false);
  try {
    await action();
  } catch (error) {
    if (error instanceof ApiError && error.code === NETWORK_DOWN) authError(error.message);
    else if (error instanceof ApiError && error.status === 401) authError("Wrong email or password.");
    else if (error instanceof ApiError && error.status === 409) authError("An account with this email already exists. Log in instead?");
    else authError(error.message || String(error));
  } finally {
    button.disabled = false;
  }
}

function sessionFrom(reply, label) {
  return { userId: reply.user_id, token: reply.token, expiresAt: reply.expires_at || null, label };
}

$("signup-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const email = $("signup-email").value.trim();
  const password = $("signup-password").value;
  const name = $("signup-name").value.trim();
  if (!email || !password) return authError("Enter an email and a password.");
  if (password.length < 8) return authError("The password needs at least 8 characters.");
  submitAuth(form, async () => {
    const reply = await register(email, password, name || undefined);
    store.saveEmail(email);
    $("signup-password").value = "";
    enterApp(sessionFrom(reply, name || email));
  });
});

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const email = $("login-email").value.trim();
  const password = $("login-password").value;
  if (!email || !password) return authError("Enter your email and password.");
  submitAuth(form, async () => {
    const reply = await login(email, password);
    store.saveEmail(email);
    $("login-password").value = "";
    enterApp(sessionFrom(reply, email));
  });
});

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  submitAuth(form, async () => {
    const token = $("token-input").value.trim();
    const claims = tokenClaims(token);
    const expiresAt = claims.exp ? new Date(claims.exp * 1000).toISOString() : null;
    if (expiresAt && Date.parse(expiresAt) <= Date.now()) throw new Error("This token has expired.");
    const session = { userId: claims.sub, token, expiresAt, label: claims.email || claims.name || claims.sub };
    // Check it works before switching views: a wrong secret gives 401 here, not later.
    await new Client(session.userId, session.token).tasks("pending");
    $("token-input").value = "";
    enterApp(session);
  });
});

$("logout").addEventListener("click", logOut);

// ---------------------------------------------------------------- conversations

function setConversation(id) {
  state.conversationId = id;
  state.shown = id;
  store.saveConversation(id);
  conversations.select(id);
}

function newChat({ focus = true } = {}) {
  abortTurn();
  setConversation(null);
  chat.clear();
  $("chat-title").textContent = "New conversation";
  hideChatError();
  if (focus) $("draft").focus();
}

async function openConversation(id, { quiet = false } = {}) {
  if (!state.client) return;
  abortTurn();
  hideChatError();
  setConversation(id);
  state.shown = null;
  let detail;
  try {
    detail = await client().conversation(id);
    // Messages come oldest first: for a long conversation, show its latest page instead.
    const total = detail.messages && typeof detail.messages.total === "number" ? detail.messages.total : 0;
    if (total > MESSAGES_PAGE) detail = await client().conversation(id, total - MESSAGES_PAGE);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      // Deleted elsewhere (or another user's): start fresh rather than show an error.
      newChat({ focus: !quiet });
      return;
    }
    reportError(error, "open the conversation");
    return;
  }
  if (state.conversationId !== id) return; // another was chosen meanwhile
  const messages = detail.messages === undefined ? [] : items(detail.messages);
  chat.load(messages);
  state.shown = id;
  $("chat-title").textContent = detail.title || "Conversation";
  if (!quiet) $("draft").focus();
}

$("new-chat").addEventListener("click", () => newChat());

// ---------------------------------------------------------------- sending

const draft = $("draft");
const composer = $("composer");
const chatError = $("chat-error");

function showChatError(text) {
  chatError.textContent = text;
  show(chatError, true);
}

function hideChatError() {
  show(chatError, false);
}

function abortTurn() {
  if (state.turn) state.turn.abort();
  state.turn = null;
}

draft.value = store.loadDraft();
draft.addEventListener("input", () => store.saveDraft(draft.value));
draft.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    composer.requestSubmit();
  }
});

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = draft.value.trim();
  if (!text || state.busy || !state.client) return;
  sendTurn(text);
});

function setBusy(busy) {
  state.busy = busy;
  $("send").disabled = busy;
  composer.classList.toggle("busy", busy);
}

/** The message reached the server and is stored: only now does the draft go. */
function accepted(text) {
  if (draft.value.trim() === text) {
    draft.value = "";
    store.saveDraft("");
  }
}

class TurnError extends Error {
  constructor(error, stored) {
    super(error.message);
    this.error = error;
    this.stored = stored; // was the user's message stored before the failure?
  }
}

async function sendTurn(text) {
  hideChatError();
  setBusy(true);
  const controller = new AbortController();
  state.turn = controller;
  const body = { message: text, timezone: browserTimeZone() };
  if (state.conversationId) body.conversation_id = state.conversationId;
  const userBubble = chat.user(text);
  const reply = chat.assistant();
  let stored = false;
  let changed = false;
  try {
    try {
      stored = await streamTurn(body, reply, controller.signal, (id) => {
        stored = true;
        setConversation(id);
        accepted(text);
      }, (call) => {
        if (changesTasks(call)) {
          changed = true;
          tasks.refresh();
        }
      });
    } catch (error) {
      if (!(error instanceof StreamUnsupported)) throw error;
      // No event stream here (an old server or a buffering proxy): one plain request.
      const result = await client().chat(body, controller.signal).catch((e) => { throw new TurnError(e, false); });
      stored = true;
      setConversation(result.conversation_id);
      accepted(text);
      reply.finish(result.response, result.tool_calls || []);
      announce("todo-chat: " + result.response);
      changed = (result.tool_calls || []).some(changesTasks);
    }
  } catch (failure) {
    if (controller.signal.aborted) return;
    const error = failure instanceof TurnError ? failure.error : failure;
    // On LLM_UNAVAILABLE the contract keeps the user's message stored, whenever it is reported.
    stored = stored || (failure instanceof TurnError && failure.stored)
      || (error instanceof ApiError && error.code === "LLM_UNAVAILABLE");
    turnFailed(error, stored, text, userBubble, reply);
  } finally {
    if (state.turn === controller) state.turn = null;
    setBusy(false);
    if (state.client && !controller.signal.aborted) {
      conversations.refresh();
      if (changed) tasks.refresh();
    }
  }
}

/** Run one streamed turn. Returns true when it completed; throws TurnError otherwise. */
async function streamTurn(body, reply, signal, onConversation, onTool) {
  let stored = false;
  let done = false;
  try {
    for await (const { event, data } of client().chatStream(body, signal)) {
      if (event === "conversation") {
        stored = true;
        onConversation(data.conversation_id);
      } else if (event === "delta") {
        reply.delta(data.text || "");
      } else if (event === "tool") {
        reply.tool(data);
        onTool(data);
      } else if (event === "done") {
        if (!stored) onConversation(data.conversation_id);
        stored = true;
        done = true;
        reply.finish(data.response, data.tool_calls || []);
        announce("todo-chat: " + data.response);
      } else if (event === "error") {
        const e = (data && data.error) || {};
        const status = e.code === "LLM_UNAVAILABLE" || e.code === "DATABASE_UNAVAILABLE" ? 503 : 500;
        throw new TurnError(new ApiError(status, e.code || "INTERNAL_ERROR", e.message || "Something went wrong"), stored);
      }
    }
  } catch (error) {
    if (error instanceof TurnError || error instanceof StreamUnsupported || signal.aborted) throw error;
    throw new TurnError(error, stored);
  }
  if (!done) {
    throw new TurnError(new ApiError(0, "STREAM_CUT", "The connection dropped before the reply finished."), stored);
  }
  return true;
}

function turnFailed(error, stored, text, userBubble, reply) {
  if (error instanceof ApiError && error.status === 401) {
    userBubble.remove();
    reply.fail("");
    if (!chat.list.children.length) chat.clear();
    sessionExpired();
    return;
  }
  let message;
  if (error instanceof ApiError && error.code === "LLM_UNAVAILABLE") {
    message = "The assistant is unavailable right now. Your message was saved; try again in a moment.";
  } else if (error instanceof ApiError && error.code === NETWORK_DOWN) {
    message = "The server can’t be reached, so your message wasn’t sent. It’s still in the box: send it again when you’re back online.";
  } else if (error instanceof ApiError && error.code === "STREAM_CUT") {
    message = "The connection dropped before the reply finished. Your message was saved.";
  } else if (error instanceof ApiError && error.status === 404) {
    message = "That conversation no longer exists. Your message is still in the box; it will start a new conversation.";
    setConversation(null);
  } else if (error instanceof ApiError && error.code === "RATE_LIMITED") {
    message = "Too many messages at once. Wait a moment and send again.";
  } else {
    message = "The message couldn’t be sent: " + (error.message || String(error));
  }
  if (stored) {
    userBubble.classList.add("stored-no-reply");
    reply.fail(error instanceof ApiError && error.code === "STREAM_CUT" ? "(cut off)" : "No reply.");
  } else {
    // Not stored: the text is still in the box (we only clear it once stored).
    userBubble.remove();
    reply.fail("");
    if (!chat.list.children.length) chat.clear();
  }
  showChatError(message);
  draft.focus();
}

// ---------------------------------------------------------------- start

function start() {
  const session = store.loadSession();
  if (!session) return showAuth("", "signup");
  if (store.isExpired(session)) {
    store.saveSession(null);
    showAuth(EXPIRED, "login");
    return;
  }
  enterApp(session);
}

start();
