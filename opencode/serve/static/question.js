// The question tool's asks (a question_request record): each question with its
// options (radio buttons, or checkboxes when several may be chosen) or a text field,
// and one Answer button for them all. The questions come from the model: text only.

import { api } from "./api.js";
import { el } from "./render.js";

export function questionElement(record) {
  const item = el("li", "msg ask question");
  item.dataset.requestId = record.request_id;
  item.setAttribute("role", "alert");
  const form = el("form", "question-form");
  const readers = (record.questions || []).map((question, index) => field(form, question, `${record.request_id}-${index}`));
  const row = el("div", "row");
  const submit = el("button", "answer answer-questions", "Answer");
  submit.type = "submit";
  row.append(submit);
  form.append(row);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const control of form.elements) control.disabled = true;
    try {
      await api.answerQuestions(record.session_id, record.request_id, readers.map((read) => read()));
    } catch (error) {
      item.append(el("p", "ask-error", `Could not answer: ${error.message}`));
      for (const control of form.elements) control.disabled = false;
    }
  });
  item.append(form);
  return item;
}

// One question's fields; returns the function that reads its answer.
function field(form, question, name) {
  const box = el("fieldset", "question-field");
  box.append(el("legend", "ask-question", question.question || "?"));
  form.append(box);
  const options = Array.isArray(question.options) ? question.options : [];
  if (!options.length) {
    const input = el("input");
    input.type = "text";
    input.name = name;
    input.setAttribute("aria-label", question.question || "answer");
    box.append(input);
    return () => input.value;
  }
  const inputs = options.map((option, index) => {
    const label = el("label", "question-option");
    const input = el("input");
    input.type = question.multiple ? "checkbox" : "radio";
    input.name = name;
    input.value = String(option);
    if (index === 0 && !question.multiple) input.checked = true;
    label.append(input, " ", el("span", "", String(option)));
    box.append(label);
    return input;
  });
  const chosen = () => inputs.filter((input) => input.checked).map((input) => input.value);
  return question.multiple ? chosen : () => chosen()[0] || "";
}

export function questionSettled(item, record) {
  for (const control of item.querySelectorAll("input, button")) control.disabled = true;
  item.classList.add("answered");
  item.removeAttribute("role");
  const answers = Array.isArray(record.answers) ? record.answers.map((a) => (Array.isArray(a) ? a.join(", ") : String(a))).join("; ") : "nobody answered in time";
  item.append(el("p", "ask-answer", `Answered: ${answers}`));
}
