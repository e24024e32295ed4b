// The side panels (sessions, files with their preview) and the settings dialog.
// Every name, title and file shown is set as text: a title or a file name is data.

import { api } from "./api.js";
import { el, highlight, languageOf } from "./render.js";

export class Sessions {
  constructor({ list, onOpen, onDelete }) {
    this.list = list;
    this.onOpen = onOpen;
    this.onDelete = onDelete;
    this.current = null;
  }

  async refresh() {
    const data = await api.sessions();
    const sessions = (data.sessions || []).slice().sort((a, b) => String(b.updated).localeCompare(String(a.updated)));
    this.list.replaceChildren(...sessions.map((s) => this.row(s)));
    return sessions;
  }

  row(session) {
    const item = el("li", "session");
    item.dataset.id = session.id;
    const open = el("button", "session-open", session.title || "(untitled)");
    open.type = "button";
    open.title = session.id;
    if (session.id === this.current) {
      item.classList.add("current");
      open.setAttribute("aria-current", "true");
    }
    open.addEventListener("click", () => this.onOpen(session));
    const remove = el("button", "session-delete icon", "✕");
    remove.type = "button";
    remove.setAttribute("aria-label", `Delete session ${session.title || session.id}`);
    remove.addEventListener("click", () => this.onDelete(session));
    item.append(open, remove);
    return item;
  }

  mark(id) {
    this.current = id;
    for (const item of this.list.children) {
      const mine = item.dataset.id === id;
      item.classList.toggle("current", mine);
      const button = item.querySelector(".session-open");
      if (mine) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
  }
}

export class Files {
  constructor({ list, path, up, preview, previewName, previewCode, previewClose }) {
    Object.assign(this, { list, path, up, preview, previewName, previewCode });
    this.dir = ".";
    up.addEventListener("click", () => this.open(parent(this.dir)));
    previewClose.addEventListener("click", () => { this.preview.hidden = true; });
  }

  // The ls tool lists every file under `dir` (relative to it): shown here as the
  // folder's own entries, sub-folders first.
  async open(dir) {
    const record = await api.files(dir);
    this.dir = dir;
    this.path.textContent = dir;
    const entries = new Map();
    for (const line of String(record.text || "").split("\n").filter(Boolean)) {
      const [first, ...rest] = line.replace(/^\.\//, "").split("/");
      if (first) entries.set(first, entries.get(first) || rest.length > 0);
    }
    const sorted = [...entries].sort((a, b) => (b[1] - a[1]) || a[0].localeCompare(b[0]));
    this.list.replaceChildren(...sorted.map(([name, isDir]) => this.row(name, isDir)));
  }

  row(name, isDir) {
    const item = el("li", "file");
    const button = el("button", isDir ? "file-dir" : "file-file", isDir ? `${name}/` : name);
    button.type = "button";
    const full = this.dir === "." ? name : `${this.dir}/${name}`;
    button.addEventListener("click", () => (isDir ? this.open(full) : this.show(full)));
    item.append(button);
    return item;
  }

  // A file's content, as text (never HTML), highlighted by its extension.
  async show(path) {
    const record = await api.content(path);
    this.previewName.textContent = path;
    if (record.encoding === "base64") {
      this.previewCode.textContent = "(binary file, not shown)";
      this.previewCode.className = "";
    } else {
      this.previewCode.className = "";
      this.previewCode.textContent = record.text ?? record.output ?? "";
      highlight(this.previewCode, languageOf(path));
    }
    this.preview.hidden = false;
  }
}

function parent(dir) {
  const cut = dir.lastIndexOf("/");
  return cut <= 0 ? "." : dir.slice(0, cut);
}

const BUILTIN_AGENTS = ["build", "plan", "general"];

export class Settings {
  constructor({ dialog, provider, model, agent, language, note, save }) {
    Object.assign(this, { dialog, provider, model, agent, language, note });
    this.models = [];
    this.config = {};
    provider.addEventListener("change", () => this.fillModels());
    save.addEventListener("click", () => this.save());
  }

  // The settings as saved; only the latest of overlapping loads fills the form, so
  // a slow one never resets what was chosen after a newer one.
  async load() {
    const mine = (this.loads = (this.loads || 0) + 1);
    delete this.dialog.dataset.loaded;
    const [config, models] = await Promise.all([api.config(), api.models()]);
    if (mine !== this.loads) return;
    this.config = config.config || {};
    this.models = models.models || [];
    const providers = new Set(this.models.map((m) => m.provider));
    for (const [name, value] of Object.entries(this.config.provider || {})) if (typeof value === "object") providers.add(name);
    fill(this.provider, [...providers].sort(), (this.config.provider || {}).default);
    this.fillModels();
    const agents = new Set([...BUILTIN_AGENTS, ...Object.keys(this.config.agents || {})]);
    fill(this.agent, [...agents], this.config.agent || "build");
    this.language.value = (this.config.ui || {}).language || "en";
    this.dialog.dataset.loaded = "1";
  }

  fillModels() {
    const provider = this.provider.value;
    const names = this.models.filter((m) => m.provider === provider).map((m) => m.model);
    const chosen = ((this.config.provider || {})[provider] || {}).model;
    if (chosen && !names.includes(chosen)) names.unshift(chosen);
    fill(this.model, names, chosen);
  }

  // The agent and model a turn runs with, from the settings as loaded.
  turnOptions() {
    const options = {};
    if (this.agent.value) options.agent = this.agent.value;
    return options;
  }

  async save() {
    const provider = this.provider.value;
    const values = { "provider.default": provider, agent: this.agent.value, "ui.language": this.language.value };
    if (this.model.value) values[`provider.${provider}.model`] = this.model.value;
    try {
      const answer = await api.patchConfig(values);
      this.note.textContent = `Saved${answer.warnings && answer.warnings.length ? ": " + answer.warnings.join("; ") : "."}`;
      await this.load();
    } catch (error) {
      this.note.textContent = `Not saved: ${error.message}`;
    }
  }
}

function fill(select, values, chosen) {
  select.replaceChildren(...values.map((value) => {
    const option = el("option", "", value);
    option.value = value;
    return option;
  }));
  if (chosen !== undefined && values.includes(chosen)) select.value = chosen;
}
