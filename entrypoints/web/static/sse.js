// A Server-Sent Events parser for fetch() bodies (EventSource cannot POST or send headers).

/**
 * Feed text chunks in, get complete events out.
 * Follows the WHATWG rules that matter here: CRLF/LF/CR line ends, "event:", multi-line
 * "data:", comments (":"), one optional space after the colon, dispatch on a blank line.
 */
export class SseParser {
  constructor() {
    this.buffer = "";
    this.type = "";
    this.data = [];
  }

  /** @returns {{event: string, data: string}[]} */
  push(chunk) {
    this.buffer += chunk;
    const events = [];
    // Keep a trailing "\r" in the buffer: it may be the first half of "\r\n".
    const lines = this.buffer.split(/\r\n|\n|\r(?!$)/);
    this.buffer = lines.pop();
    for (const line of lines) this.line(line, events);
    return events;
  }

  /** Flush at end of stream: a final event without its blank line is dropped, per spec. */
  end() {
    const events = [];
    if (this.buffer) this.line(this.buffer.replace(/\r$/, ""), events);
    this.buffer = "";
    return events;
  }

  line(line, events) {
    if (line === "") {
      if (this.data.length) events.push({ event: this.type || "message", data: this.data.join("\n") });
      this.type = "";
      this.data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.type = value;
    else if (field === "data") this.data.push(value);
  }
}

/** Read a fetch Response body as SSE, yielding {event, data} with data JSON-decoded when it can be. */
export async function* readEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      const events = done ? parser.end() : parser.push(value);
      for (const event of events) yield { event: event.event, data: decode(event.data) };
      if (done) return;
    }
  } finally {
    // Stops the download when the caller leaves early (new chat, log out); a no-op when done.
    reader.cancel().catch(() => {});
  }
}

function decode(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
