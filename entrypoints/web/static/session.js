// What survives a reload within this tab: the session, the draft, the open conversation.
// sessionStorage (not localStorage): closing the tab forgets the token.

const SESSION = "todo-chat.session";
const DRAFT = "todo-chat.draft";
const CONVERSATION = "todo-chat.conversation";
const LAST_EMAIL = "todo-chat.email";

function read(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key));
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    if (value === null || value === undefined || value === "") sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled (private mode): the app still works for this page view.
  }
}

/** @returns {{userId: string, token: string, expiresAt: string|null, label: string}|null} */
export function loadSession() {
  const s = read(SESSION);
  return s && typeof s.token === "string" && typeof s.userId === "string" ? s : null;
}

export function saveSession(session) {
  write(SESSION, session);
}

export function forgetSession() {
  write(SESSION, null);
  write(CONVERSATION, null);
}

export function isExpired(session, now = Date.now()) {
  if (!session.expiresAt) return false;
  const at = Date.parse(session.expiresAt);
  return !Number.isNaN(at) && at <= now;
}

export const loadDraft = () => read(DRAFT) || "";
export const saveDraft = (text) => write(DRAFT, text);
export const loadConversation = () => read(CONVERSATION);
export const saveConversation = (id) => write(CONVERSATION, id);
export const loadEmail = () => read(LAST_EMAIL) || "";
export const saveEmail = (email) => write(LAST_EMAIL, email);
