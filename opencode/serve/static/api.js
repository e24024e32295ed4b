// The HTTP API of opencode serve (docs/server.md), as the page uses it.
//
// Same-origin requests only. With OPENCODE_SERVER_PASSWORD the server answers the
// page itself with a Basic challenge, the browser asks once, and then sends those
// credentials with every fetch and EventSource of this origin ("same-origin"), so
// nothing here handles the password and nothing stores it.

const JSON_HEADERS = { "content-type": "application/json" };

export class ApiError extends Error {
  constructor(status, record) {
    super((record && record.error && record.error.message) || `HTTP ${status}`);
    this.status = status;
    this.record = record;
  }
}

async function call(method, path, body) {
  const init = { method, credentials: "same-origin", headers: body === undefined ? {} : JSON_HEADERS };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const api = {
  sessions: () => call("GET", "/api/sessions"),
  createSession: (fields) => call("POST", "/api/sessions", fields || {}),
  deleteSession: (id) => call("DELETE", `/api/sessions/${encodeURIComponent(id)}`),
  messages: (id) => call("GET", `/api/sessions/${encodeURIComponent(id)}/messages`),
  answer: (sessionId, requestId, answer) =>
    call("POST", `/api/sessions/${encodeURIComponent(sessionId)}/permissions/${encodeURIComponent(requestId)}`, { answer }),
  answerQuestions: (sessionId, requestId, answers) =>
    call("POST", `/api/sessions/${encodeURIComponent(sessionId)}/questions/${encodeURIComponent(requestId)}`, { answers }),
  files: (path) => call("GET", `/api/files?path=${encodeURIComponent(path)}`),
  content: (path) => call("GET", `/api/files/content?path=${encodeURIComponent(path)}`),
  config: () => call("GET", "/api/config"),
  patchConfig: (values) => call("PATCH", "/api/config", values),
  models: () => call("GET", "/api/models"),
};

// One chat turn over server-sent events: onRecord(record) for each record; resolves
// when the stream ends. Aborting `signal` closes the connection, which the server
// takes as a cancel (the model stream and a running tool stop).
export async function streamChat(body, onRecord, signal) {
  const response = await fetch("/api/chat/stream", {
    method: "POST", credentials: "same-origin", headers: JSON_HEADERS, body: JSON.stringify(body), signal,
  });
  if (!response.ok) {
    let record = null;
    try { record = await response.json(); } catch { record = null; }
    throw new ApiError(response.status, record);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  // Stop must end the read at once, however the aborted body reaches the pipe.
  signal.addEventListener("abort", () => { reader.cancel().catch(() => {}); }, { once: true });
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = frame.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (data) onRecord(JSON.parse(data));
    }
  }
}

// The server's event stream (/api/events): every session's records, reconnecting
// on its own (EventSource does) after a dropped connection.
export function watchEvents(onRecord) {
  const source = new EventSource("/api/events", { withCredentials: false });
  const types = ["hello", "session_created", "session_deleted", "config_changed", "session_event"];
  for (const type of types) {
    source.addEventListener(type, (event) => {
      try { onRecord(JSON.parse(event.data)); } catch { /* a malformed frame: skip it */ }
    });
  }
  return source;
}
