// The conversation: a turn's records (from /api/chat/stream, or another client's
// turn seen on /api/events) rendered as they come, permission asks answered.

import { api, streamChat } from "./api.js";
import { questionElement, questionSettled } from "./question.js";
import { el, fillTool, messageElements, renderMarkdown, toolElement } from "./render.js";

export class Chat {
  constructor({ log, status, onSession }) {
    this.log = log;
    this.status = status;
    this.onSession = onSession;
    this.sessionId = null;
    this.controller = null; // the running turn's AbortController
    this.answer = null; // the element of the answer being streamed, and its text
    this.answerText = "";
    this.pending = false; // a render queued for the next frame
    this.lastDone = null; // this page's last turn's done record, as JSON
    this.stoppedTurn = false; // this page stopped its turn; its done is still to come
  }

  get running() { return this.controller !== null; }

  clear() {
    this.log.replaceChildren();
    this.answer = null;
  }

  async load(sessionId) {
    this.sessionId = sessionId;
    this.clear();
    if (!sessionId) return;
    const data = await api.messages(sessionId);
    if (this.sessionId !== sessionId) return; // switched again while loading
    for (const message of data.messages) this.log.append(...messageElements(message));
    this.scroll();
  }

  scroll() { this.log.scrollTop = this.log.scrollHeight; }

  say(text, className) {
    const item = el("li", `msg ${className}`);
    const body = el("div", "md", text);
    item.append(body);
    this.log.append(item);
    this.scroll();
    return item;
  }

  async send(text, options) {
    this.say(text, "msg-user");
    const controller = this.controller = new AbortController();
    this.status.textContent = "working…";
    const body = { message: text, ...options };
    if (this.sessionId) body.session_id = this.sessionId;
    let failure = null;
    try {
      await streamChat(body, (record) => this.handle(record), controller.signal);
    } catch (error) {
      failure = error;
    }
    // A stopped stream may end with an AbortError or just end: the signal says which.
    if (controller.signal.aborted) {
      this.status.textContent = "stopped";
      this.say("Stopped.", "msg-note");
    } else if (failure) {
      this.status.textContent = "error";
      this.say(`Error: ${failure.message}`, "msg-error");
    } else {
      this.status.textContent = "";
    }
    this.controller = null;
    this.finishAnswer();
  }

  stop() {
    if (!this.controller) return;
    // The server still ends the turn, with a done record this page now sees only on
    // /api/events: it must not pass for another client's (and reload the log).
    this.stoppedTurn = true;
    this.controller.abort();
  }

  // One record of a turn on this session.
  handle(record) {
    switch (record.type) {
      case "session":
        if (record.session_id && record.session_id !== this.sessionId) {
          this.sessionId = record.session_id;
          this.onSession(record.session_id);
        }
        break;
      case "text_delta": this.appendDelta(record.text || ""); break;
      case "message":
        if (record.role === "assistant" && record.text) this.setAnswer(record.text);
        this.finishAnswer();
        break;
      case "tool_call": this.toolCall(record); break;
      case "tool_result": this.toolResult(record); break;
      case "permission_request": this.ask(record); break;
      case "permission_answered": this.settled(record); break;
      case "question_request": this.question(record); break;
      case "question_answered": {
        const item = this.find(".question", "requestId", record.request_id);
        if (item && !item.classList.contains("answered")) questionSettled(item, record);
        break;
      }
      case "error": this.say(`Error: ${record.error ? record.error.message : "unknown"}`, "msg-error"); break;
      case "done":
        this.lastDone = JSON.stringify(record);
        this.finishAnswer();
        if (record.reason && record.reason !== "completed") this.say(`Ended: ${record.reason}`, "msg-note");
        break;
      default: break;
    }
  }

  appendDelta(text) {
    if (!this.answer) {
      this.answer = el("li", "msg msg-assistant");
      this.answer.append(el("div", "md"));
      this.answerText = "";
      this.log.append(this.answer);
    }
    this.answerText += text;
    this.queueRender();
  }

  setAnswer(text) {
    if (!this.answer) this.appendDelta("");
    this.answerText = text;
    this.queueRender();
  }

  queueRender() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      if (this.answer) renderMarkdown(this.answer.firstChild, this.answerText);
      this.scroll();
    });
  }

  finishAnswer() {
    if (this.answer) renderMarkdown(this.answer.firstChild, this.answerText);
    this.answer = null;
  }

  toolCall(record) {
    this.finishAnswer();
    const item = el("li", "msg msg-tool");
    item.append(toolElement(record.tool, record.input, record.call_id));
    this.log.append(item);
    this.scroll();
  }

  toolResult(record) {
    let box = record.call_id ? this.find(".tool", "callId", record.call_id) : null;
    if (!box) {
      this.toolCall(record);
      box = this.log.lastElementChild.firstChild;
    }
    fillTool(box, record);
    this.scroll();
  }

  find(selector, key, value) {
    for (const node of this.log.querySelectorAll(selector)) if (node.dataset[key] === value) return node;
    return null;
  }

  // A permission ask: the question, what it runs, and one button per answer.
  ask(record) {
    if (this.find(".ask", "requestId", record.request_id)) return; // seen on both streams
    const item = el("li", "msg ask");
    item.dataset.requestId = record.request_id;
    item.setAttribute("role", "alert");
    item.append(el("p", "ask-question", record.question || `Allow ${record.tool}?`));
    const command = record.input && (record.input.command || record.input.path);
    if (command) item.append(el("pre", "ask-input", String(command)));
    const row = el("div", "row");
    const labels = { once: "Allow once", always: "Always allow", deny: "Deny" };
    for (const answer of record.answers || ["once", "always", "deny"]) {
      const button = el("button", `answer answer-${answer}`, labels[answer] || answer);
      button.type = "button";
      button.dataset.answer = answer;
      button.addEventListener("click", () => this.reply(item, record, answer));
      row.append(button);
    }
    item.append(row);
    this.log.append(item);
    this.scroll();
    row.firstChild && row.firstChild.focus();
  }

  question(record) {
    if (this.find(".ask", "requestId", record.request_id)) return; // seen on both streams
    const item = questionElement(record);
    this.log.append(item);
    this.scroll();
    const first = item.querySelector("input");
    if (first) first.focus();
  }

  async reply(item, record, answer) {
    for (const button of item.querySelectorAll("button")) button.disabled = true;
    try {
      await api.answer(record.session_id, record.request_id, answer);
    } catch (error) {
      item.append(el("p", "ask-error", `Could not answer: ${error.message}`));
      for (const button of item.querySelectorAll("button")) button.disabled = false;
    }
  }

  settled(record) {
    const item = this.find(".ask", "requestId", record.request_id);
    if (!item || item.classList.contains("answered")) return;
    for (const button of item.querySelectorAll("button")) button.disabled = true;
    item.classList.add("answered");
    item.removeAttribute("role");
    item.append(el("p", "ask-answer", `Answered: ${record.answer}${record.reason === "timeout" ? " (timed out)" : ""}`));
  }
}
