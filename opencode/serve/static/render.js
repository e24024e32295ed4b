// Turning records into DOM. Model output and file contents are untrusted (a prompt
// injected into a repository file can make the model answer with HTML): Markdown is
// rendered by marked and then always sanitised by DOMPurify before it touches the
// page; everything else is set as text (textContent), never as HTML.

import { Marked } from "./vendor/marked.esm.js";
import DOMPurify from "./vendor/purify.es.js";
import hljs from "./vendor/highlight/core.min.js";
import bash from "./vendor/highlight/languages/bash.min.js";
import c from "./vendor/highlight/languages/c.min.js";
import cpp from "./vendor/highlight/languages/cpp.min.js";
import css from "./vendor/highlight/languages/css.min.js";
import diff from "./vendor/highlight/languages/diff.min.js";
import go from "./vendor/highlight/languages/go.min.js";
import ini from "./vendor/highlight/languages/ini.min.js";
import java from "./vendor/highlight/languages/java.min.js";
import javascript from "./vendor/highlight/languages/javascript.min.js";
import json from "./vendor/highlight/languages/json.min.js";
import markdown from "./vendor/highlight/languages/markdown.min.js";
import python from "./vendor/highlight/languages/python.min.js";
import rust from "./vendor/highlight/languages/rust.min.js";
import shell from "./vendor/highlight/languages/shell.min.js";
import sql from "./vendor/highlight/languages/sql.min.js";
import typescript from "./vendor/highlight/languages/typescript.min.js";
import xml from "./vendor/highlight/languages/xml.min.js";
import yaml from "./vendor/highlight/languages/yaml.min.js";

const LANGUAGES = { bash, c, cpp, css, diff, go, ini, java, javascript, json, markdown, python, rust, shell, sql, typescript, xml, yaml };
for (const [name, grammar] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, grammar);

const EXTENSIONS = {
  py: "python", js: "javascript", mjs: "javascript", ts: "typescript", tsx: "typescript", jsx: "javascript",
  sh: "bash", bash: "bash", zsh: "bash", c: "c", h: "c", cc: "cpp", cpp: "cpp", hpp: "cpp", css: "css",
  diff: "diff", patch: "diff", go: "go", toml: "ini", ini: "ini", cfg: "ini", java: "java", json: "json",
  md: "markdown", rs: "rust", sql: "sql", html: "xml", xml: "xml", svg: "xml", yml: "yaml", yaml: "yaml",
};

// Links from a model open elsewhere, never with this page as their opener.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.hasAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

const marked = new Marked({ gfm: true, breaks: false });

export function languageOf(path) {
  const ext = (path.split(".").pop() || "").toLowerCase();
  return EXTENSIONS[ext] || null;
}

// Highlight a <code> element whose text is already set (textContent): hljs escapes
// the text it wraps, and its output is sanitised all the same.
export function highlight(code, language) {
  const text = code.textContent;
  if (text.length > 200000) return; // a huge file stays plain text: fast, and just as readable
  const lang = language && hljs.getLanguage(language) ? language : null;
  const result = lang ? hljs.highlight(text, { language: lang, ignoreIllegals: true }) : hljs.highlightAuto(text);
  code.innerHTML = DOMPurify.sanitize(result.value, { ALLOWED_TAGS: ["span"], ALLOWED_ATTR: ["class"] });
  code.classList.add("hljs");
}

// Markdown from a model, into `element`: sanitised, code blocks highlighted.
export function renderMarkdown(element, text) {
  const html = marked.parse(text || "");
  element.innerHTML = DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input", "button"] });
  for (const code of element.querySelectorAll("pre code")) {
    const match = /language-([\w-]+)/.exec(code.className || "");
    highlight(code, match ? match[1] : null);
  }
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
export { el };

// A one-line summary of a tool's input: the path, command or pattern it acts on.
export function toolSummary(tool, input) {
  input = input || {};
  const main = input.command || input.path || input.file_path || input.pattern || input.url || input.query;
  if (main) return String(main).split("\n")[0].slice(0, 160);
  const text = JSON.stringify(input);
  return text.length > 160 ? text.slice(0, 157) + "…" : text;
}

// A tool call, compact: its name and what it acts on; the result, folded.
export function toolElement(tool, input, callId) {
  const box = el("details", "tool");
  if (callId) box.dataset.callId = callId;
  const summary = el("summary");
  summary.append(el("span", "tool-name", tool), " ", el("span", "tool-input", toolSummary(tool, input)), " ", el("span", "tool-status", "running…"));
  box.append(summary);
  return box;
}

// The result of a call in its element: status, then a diff (edits) or the output.
export function fillTool(box, result) {
  const status = result.status || "completed";
  box.classList.add(`tool-${status}`);
  box.querySelector(".tool-status").textContent = status === "completed" ? "✓" : status;
  for (const old of box.querySelectorAll(".tool-body")) old.remove();
  const meta = result.metadata || {};
  const diffText = meta.diff || (Array.isArray(meta.files) ? meta.files.map((f) => f.diff || "").join("\n") : "");
  const body = el("pre", "tool-body");
  const code = el("code");
  if (diffText) {
    code.textContent = diffText;
    highlight(code, "diff");
    box.open = true; // an edit is what a reader wants to see
  } else {
    code.textContent = String(result.error || result.output || "").slice(0, 100000);
  }
  body.append(code);
  box.append(body);
}

// A saved message (GET /api/sessions/{id}/messages) as list items.
export function messageElements(message) {
  const items = [];
  for (const part of message.parts || []) {
    if (part.type === "text" && part.text) {
      const item = el("li", `msg msg-${message.role}`);
      const body = el("div", "md");
      if (message.role === "assistant") renderMarkdown(body, part.text);
      else body.textContent = part.text;
      item.append(body);
      items.push(item);
    } else if (part.type === "tool") {
      const item = el("li", "msg msg-tool");
      const box = toolElement(part.tool, part.input, part.call_id);
      if (part.status && part.status !== "running") fillTool(box, part);
      item.append(box);
      items.push(item);
    }
  }
  return items;
}
