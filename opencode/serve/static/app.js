// The web page of opencode serve: wires the chat, the side panels and the settings
// to the page, and keeps them in sync with the server's event stream, so a turn,
// a session or a setting changed by another client shows here too.

import { api, watchEvents } from "./api.js";
import { Chat } from "./chat.js";
import { Files, Sessions, Settings } from "./panels.js";

const $ = (id) => document.getElementById(id);

const status = $("status");
const input = $("input");
const send = $("send");
const stop = $("stop");

const chat = new Chat({ log: $("log"), status, onSession: (id) => { sessions.mark(id); refreshSessions(); } });

const sessions = new Sessions({
  list: $("sessions"),
  onOpen: (session) => openSession(session.id),
  onDelete: async (session) => {
    if (!window.confirm(`Delete the session "${session.title || session.id}"?`)) return;
    try {
      await api.deleteSession(session.id);
      if (session.id === chat.sessionId) await openSession(null);
      await refreshSessions();
    } catch (error) { status.textContent = `Could not delete: ${error.message}`; }
  },
});

const files = new Files({
  list: $("files"), path: $("files-path"), up: $("files-up"), preview: $("preview"),
  previewName: $("preview-name"), previewCode: $("preview-code"), previewClose: $("preview-close"),
});

const settings = new Settings({
  dialog: $("settings"), provider: $("set-provider"), model: $("set-model"), agent: $("set-agent"),
  language: $("set-language"), note: $("settings-note"), save: $("settings-save"),
});

async function refreshSessions() {
  try {
    const list = await sessions.refresh();
    const current = list.find((s) => s.id === chat.sessionId);
    $("session-title").textContent = current ? current.title || "(untitled)" : "";
  } catch (error) { status.textContent = `Sessions: ${error.message}`; }
}

async function openSession(id) {
  if (chat.running) return;
  sessions.mark(id);
  closeSide();
  try { await chat.load(id); } catch (error) { status.textContent = `Could not open: ${error.message}`; }
  await refreshSessions();
  input.focus();
}

function setRunning(running) {
  send.disabled = running;
  stop.disabled = !running;
}

async function submit() {
  const text = input.value.trim();
  if (!text || chat.running) return;
  input.value = "";
  setRunning(true);
  try {
    await chat.send(text, settings.turnOptions());
  } finally {
    setRunning(false);
    await refreshSessions();
    input.focus();
  }
}

$("composer").addEventListener("submit", (event) => { event.preventDefault(); submit(); });
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit();
  }
});
stop.addEventListener("click", () => chat.stop());
$("new-session").addEventListener("click", async () => {
  if (chat.running) return;
  try {
    const record = await api.createSession({});
    await openSession(record.id);
  } catch (error) { status.textContent = `Could not create: ${error.message}`; }
});

// Tabs: sessions / files.
for (const [tab, panel, other, otherPanel] of [["tab-sessions", "panel-sessions", "tab-files", "panel-files"], ["tab-files", "panel-files", "tab-sessions", "panel-sessions"]]) {
  $(tab).addEventListener("click", () => {
    $(tab).setAttribute("aria-selected", "true");
    $(other).setAttribute("aria-selected", "false");
    $(panel).hidden = false;
    $(otherPanel).hidden = true;
    if (panel === "panel-files") files.open(files.dir).catch((error) => { status.textContent = `Files: ${error.message}`; });
  });
}

// The side panel on a narrow screen: a drawer.
const toggle = $("toggle-side");
function closeSide() { document.body.classList.remove("side-open"); toggle.setAttribute("aria-expanded", "false"); }
toggle.addEventListener("click", () => {
  const open = document.body.classList.toggle("side-open");
  toggle.setAttribute("aria-expanded", String(open));
});
document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeSide(); });

$("open-settings").addEventListener("click", async () => {
  $("settings-note").textContent = "";
  $("settings").showModal();
  try { await settings.load(); } catch (error) { $("settings-note").textContent = `Settings: ${error.message}`; }
});

// Another client's doings: sessions made or deleted, settings changed, and turns on
// the open session: their permission asks (which any client may answer) at once,
// their answer by reloading the session when they are done. The records of this
// page's own turn come on both streams; its done record tells them apart.
const OTHER = "another client is working…";
const ASKS = ["permission_request", "permission_answered", "question_request", "question_answered"];
watchEvents((record) => {
  if (record.type === "session_created" || record.type === "session_deleted") refreshSessions();
  else if (record.type === "config_changed") settings.load().catch(() => {});
  if (record.type !== "session_event" || record.session_id !== chat.sessionId) return;
  const inner = record.record || {};
  if (ASKS.includes(inner.type)) chat.handle(inner);
  else if (inner.type === "step_start" && !chat.running) status.textContent = OTHER;
  else if (inner.type === "done") {
    if (status.textContent === OTHER) status.textContent = "";
    if (chat.stoppedTurn) { chat.stoppedTurn = false; return; } // the end of the turn this page stopped
    if (!chat.running && JSON.stringify(inner) !== chat.lastDone) chat.load(chat.sessionId).then(refreshSessions).catch(() => {});
  }
});

settings.load().catch(() => {});
refreshSessions().finally(() => { document.body.dataset.ready = "1"; }); // for scripts and tests: the page is wired
input.focus();
