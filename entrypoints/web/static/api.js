// The todo-chat HTTP API, as the contract in docs/DESIGN describes it.
import { browserTimeZone } from "./format.js";
import { readEvents } from "./sse.js";

/** An error the server (or the network) reported, with the contract's error code. */
export class ApiError extends Error {
  constructor(status, code, message, details = null) {
    super(message);
    this.name = "ApiError";
    this.status = status; // 0 when the network failed
    this.code = code;
    this.details = details;
  }
}

export const NETWORK_DOWN = "NETWORK_DOWN";
export const MESSAGES_PAGE = 100; // the server's largest page

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy page, an empty body): describe it by status alone.
  }
  const error = body && typeof body === "object" && body.error;
  if (error && typeof error === "object") {
    return new ApiError(response.status, error.code || "ERROR", error.message || response.statusText, error.details);
  }
  return new ApiError(response.status, response.status === 401 ? "UNAUTHORIZED" : "HTTP_" + response.status,
    response.statusText || "Request failed");
}

async function send(url, options) {
  try {
    return await fetch(url, options);
  } catch (cause) {
    if (options.signal && options.signal.aborted) throw cause;
    throw new ApiError(0, NETWORK_DOWN, "The server can’t be reached. Check your connection and try again.");
  }
}

async function json(method, url, { token, body, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = "Bearer " + token;
  const response = await send(url, {
    method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export const register = (email, password, name) =>
  json("POST", "/api/auth/register", { body: name ? { email, password, name } : { email, password } });

export const login = (email, password) => json("POST", "/api/auth/login", { body: { email, password } });

/** Decode a JWT's payload (no verification: the server does that) to learn its user. */
export function tokenClaims(token) {
  const parts = token.trim().split(".");
  if (parts.length !== 3) throw new Error("That doesn’t look like a JWT (three dot-separated parts).");
  let payload;
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64 + "===".slice((base64.length + 3) % 4)), (c) => c.charCodeAt(0));
    payload = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error("The token’s payload could not be read.");
  }
  if (!payload || typeof payload.sub !== "string" || !payload.sub) throw new Error("The token has no subject (sub).");
  return payload;
}

/** Calls scoped to one signed-in user. */
export class Client {
  constructor(userId, token) {
    this.userId = userId;
    this.token = token;
    this.base = "/api/" + encodeURIComponent(userId);
  }

  call(method, path, body, signal) {
    return json(method, this.base + path, { token: this.token, body, signal });
  }

  tasks(status = "all", label = "") {
    const query = new URLSearchParams({ status, limit: "100", sort: "id" });
    if (label) query.set("label", label);
    return this.call("GET", "/tasks?" + query);
  }
  // Writes carry the browser's time zone: a repeating task starts and moves on from *its* today.
  zoned(path) { return `${path}?${new URLSearchParams({ timezone: browserTimeZone() })}`; }
  addTask(title) { return this.call("POST", this.zoned("/tasks"), { title }); }
  toggleTask(id) { return this.call("PATCH", this.zoned(`/tasks/${id}/complete`)); }
  renameTask(id, title) { return this.updateTask(id, { title }); }
  /** PATCH: only the fields given change (labels replaces them all; recurrence null stops repeating). */
  updateTask(id, fields) { return this.call("PATCH", this.zoned(`/tasks/${id}`), fields); }
  deleteTask(id) { return this.call("DELETE", `/tasks/${id}`); }

  /** {data: [{name, count}]}: the user's labels (lists), outside the trash. */
  labels() { return this.call("GET", "/labels"); }
  /** Tasks deleted in the last 30 days, the most recently deleted first. */
  trash() { return this.call("GET", "/trash?limit=100"); }
  restoreTask(id) { return this.call("POST", `/trash/${id}/restore`); }
  purgeTask(id) { return this.call("DELETE", `/trash/${id}`); }

  conversations() { return this.call("GET", "/conversations?limit=50"); }
  conversation(id, offset = 0) {
    const query = new URLSearchParams({ limit: String(MESSAGES_PAGE), offset: String(offset) });
    return this.call("GET", `/conversations/${encodeURIComponent(id)}?${query}`);
  }
  deleteConversation(id) { return this.call("DELETE", `/conversations/${encodeURIComponent(id)}`); }

  /** The plain (non-streaming) turn: {conversation_id, response, tool_calls}. */
  chat(body, signal) { return this.call("POST", "/chat", body, signal); }

  /**
   * One streamed turn. Yields {event, data}: conversation, delta, tool, done, error.
   * Throws ApiError before the first event when the server refuses the turn, and
   * StreamUnsupported when the server answers with something other than an event stream.
   */
  async *chatStream(body, signal) {
    const response = await send(this.base + "/chat/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream", Authorization: "Bearer " + this.token },
      body: JSON.stringify(body),
      signal,
    });
    if ([404, 405, 501].includes(response.status)) throw new StreamUnsupported();
    if (!response.ok) throw await errorFrom(response);
    if (!(response.headers.get("Content-Type") || "").includes("text/event-stream") || !response.body) {
      throw new StreamUnsupported();
    }
    yield* readEvents(response);
  }
}

export class StreamUnsupported extends Error {}

/** A page of items from either a `{data: [...]}` envelope or a bare list. */
export function items(page) {
  if (Array.isArray(page)) return page;
  if (page && Array.isArray(page.data)) return page.data;
  if (page && Array.isArray(page.items)) return page.items;
  return [];
}
