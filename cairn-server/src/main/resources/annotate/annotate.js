// The annotator page: claims items of one queue with the key in sessionStorage, shows them and
// submits the answers. Every piece of content is set as text (textContent, input values), never as
// markup, so an answer that contains HTML is shown as the characters it is.
"use strict";

(() => {
  const KEY = "cairn.annotator.key";
  const QUEUE = "cairn.annotator.queue";
  const $ = (id) => document.getElementById(id);

  let current = null; // the claimed item: {queue_id, item, questions, messages, choices, ...}
  let busy = false;

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children) {
      node.append(child); // strings become text nodes
    }
    return node;
  }

  function status(text, isError) {
    $("status").textContent = text;
    $("status").classList.toggle("error", !!isError);
  }

  async function api(method, path, body) {
    const headers = { "Authorization": "Bearer " + sessionStorage.getItem(KEY) };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    const response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
    });
    if (response.status === 204) {
      return null;
    }
    const json = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = json.error || {};
      throw new Error((error.message || ("HTTP " + response.status)) + (error.param ? " (" + error.param + ")" : ""));
    }
    return json;
  }

  const queuePath = () => "/v1/annotation/queues/" + encodeURIComponent(sessionStorage.getItem(QUEUE));

  async function refreshProgress() {
    const queue = await api("GET", queuePath());
    $("queue-name").textContent = queue.name;
    const mine = (queue.progress.annotators || [])[0];
    const done = mine ? mine.submitted : 0;
    $("progress").textContent = done + " submitted · " + queue.progress.items + " items in the queue";
  }

  function signedIn(yes) {
    $("sign-in").hidden = yes;
    $("sign-out").hidden = !yes;
    if (!yes) {
      $("item").hidden = true;
      $("next-row").hidden = true;
      $("queue-name").textContent = "";
      $("progress").textContent = "";
    }
  }

  async function start() {
    try {
      await refreshProgress();
    } catch (e) {
      sessionStorage.removeItem(KEY);
      signedIn(false);
      status("Could not open the queue: " + e.message, true);
      return;
    }
    signedIn(true);
    if (document.activeElement) {
      document.activeElement.blur();
    }
    await next();
  }

  async function next() {
    if (busy) {
      return;
    }
    busy = true;
    try {
      status("Claiming the next item…");
      const item = await api("POST", queuePath() + "/claim");
      current = item;
      if (item === null) {
        $("item").hidden = true;
        $("next-row").hidden = false;
        status("Nothing left for you in this queue.");
      } else {
        render(item);
        $("next-row").hidden = true;
        status("Lease held until " + new Date(item.lease_expires_at).toLocaleTimeString() + ".");
      }
      await refreshProgress();
    } catch (e) {
      status(e.message, true);
    } finally {
      busy = false;
    }
  }

  function text(content) {
    if (typeof content === "string") {
      return content;
    }
    if (Array.isArray(content)) {
      return content.map((part) => part && part.type === "text" ? part.text : "[" + (part && part.type) + "]").join("\n");
    }
    return content === null || content === undefined ? "" : JSON.stringify(content);
  }

  function letter(index) {
    return String.fromCharCode(65 + index);
  }

  function render(item) {
    $("item-number").textContent = String(item.item);
    const messages = $("messages");
    const choices = $("choices");
    messages.replaceChildren();
    choices.replaceChildren();
    if (item.content_state !== "available") {
      messages.append(el("p", { className: "message" }, "The content of this item is " + item.content_state + "."));
    }
    for (const message of item.messages || []) {
      messages.append(el("div", { className: "message" },
          el("div", { className: "role" }, message.role || ""),
          el("div", { className: "text" }, text(message.content))));
    }
    const answers = item.choices || [];
    answers.forEach((choice, i) => {
      const message = choice.message || {};
      const calls = (message.tool_calls || []).map((c) => "tool call " + (c.function ? c.function.name + "(" + c.function.arguments + ")" : ""));
      choices.append(el("div", { className: "choice", id: "choice-" + i },
          el("div", { className: "role" }, answers.length > 1 ? "Answer " + letter(i) : "Answer"),
          el("div", { className: "text" }, [text(message.content), ...calls].filter((s) => s).join("\n"))));
    });
    renderQuestions(item.questions, answers.length);
    $("item").hidden = false;
  }

  function radios(fieldset, name, options) {
    for (const option of options) {
      const input = el("input", { type: "radio", name, value: String(option.value) });
      input.dataset.json = JSON.stringify(option.value);
      fieldset.append(el("label", {}, input, " " + option.label));
    }
  }

  function renderQuestions(questions, choiceCount) {
    const form = $("answers");
    form.replaceChildren();
    questions.forEach((question, qi) => {
      const fieldset = el("fieldset", { id: "question-" + qi });
      fieldset.dataset.name = question.name;
      fieldset.dataset.type = question.type;
      fieldset.append(el("legend", {}, question.name + (question.metric ? " (" + question.metric + ")" : "")));
      const field = "q" + qi;
      if (question.type === "rating") {
        fieldset.dataset.shortcut = "rating";
        const min = question.min, max = question.max;
        if (Number.isInteger(min) && Number.isInteger(max) && max - min <= 10) {
          const options = [];
          for (let v = min; v <= max; v++) {
            options.push({ value: v, label: String(v) });
          }
          radios(fieldset, field, options);
        } else {
          fieldset.append(el("input", { type: "number", name: field, step: "any",
            min: min === undefined ? "" : String(min), max: max === undefined ? "" : String(max) }));
        }
      } else if (question.type === "choice" && question.values) {
        radios(fieldset, field, question.values.map((v) => ({ value: v, label: String(v) })));
      } else if (question.type === "choice") {
        fieldset.dataset.shortcut = "pairwise";
        const options = [];
        for (let i = 0; i < choiceCount; i++) {
          options.push({ value: i, label: letter(i) + " is better" });
        }
        radios(fieldset, field, options);
        fieldset.addEventListener("change", () => highlight(fieldset));
      } else if (question.type === "ranking") {
        const hint = Array.from({ length: choiceCount }, (_, i) => letter(i)).reverse().join(" ");
        fieldset.append(el("input", { type: "text", name: field, placeholder: "best first, e.g. " + hint }));
      } else {
        fieldset.append(el("textarea", { name: field, placeholder: "optional" }));
      }
      form.append(fieldset);
    });
  }

  function highlight(fieldset) {
    const picked = fieldset.querySelector("input:checked");
    document.querySelectorAll(".choice").forEach((c, i) => c.classList.toggle("picked", picked !== null && Number(picked.value) === i));
  }

  function collect() {
    const answers = {};
    for (const fieldset of $("answers").querySelectorAll("fieldset")) {
      const name = fieldset.dataset.name;
      const type = fieldset.dataset.type;
      const checked = fieldset.querySelector("input[type=radio]:checked");
      const input = fieldset.querySelector("input:not([type=radio]), textarea");
      if (checked) {
        answers[name] = JSON.parse(checked.dataset.json);
      } else if (type === "ranking" && input.value.trim() !== "") {
        answers[name] = input.value.toUpperCase().split(/[^A-Z0-9]+|(?=[A-Z])/).filter((s) => s)
          .map((s) => /^[0-9]+$/.test(s) ? Number(s) : s.charCodeAt(0) - 65);
      } else if (type === "rating" && input && input.value !== "") {
        answers[name] = Number(input.value);
      } else if (type === "text" && input.value.trim() !== "") {
        answers[name] = input.value;
      } else if (type !== "text") {
        throw new Error("Answer '" + name + "' first.");
      }
    }
    return answers;
  }

  async function submit() {
    if (busy || !current) {
      return;
    }
    let answers;
    try {
      answers = collect();
    } catch (e) {
      status(e.message, true);
      return;
    }
    busy = true;
    try {
      status("Submitting…");
      await api("POST", queuePath() + "/items/" + current.item + "/submit", { answers });
      status("Item " + current.item + " submitted.");
      current = null;
    } catch (e) {
      status("Not submitted: " + e.message, true);
      return;
    } finally {
      busy = false;
    }
    await next();
  }

  /** Checks a radio of the first question a shortcut is for ("rating" or "pairwise"), as {@code choose} says. */
  function pick(shortcut, choose) {
    const fieldset = $("answers").querySelector("fieldset[data-shortcut=" + shortcut + "]");
    if (!fieldset) {
      return;
    }
    const target = choose(Array.from(fieldset.querySelectorAll("input[type=radio]")), fieldset);
    if (target) {
      target.checked = true;
      target.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function onKey(event) {
    const typing = event.target instanceof HTMLTextAreaElement
      || (event.target instanceof HTMLInputElement && !["radio", "checkbox"].includes(event.target.type));
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && current) {
      event.preventDefault();
      submit();
      return;
    }
    if (event.key === "Escape" && typing) {
      event.target.blur();
      return;
    }
    if (typing || event.altKey || event.ctrlKey || event.metaKey || !$("sign-in").hidden) {
      return;
    }
    if (event.key === "Enter" && current && !(event.target instanceof HTMLButtonElement)) {
      event.preventDefault();
      submit();
    } else if (event.key === "n") {
      event.preventDefault();
      next();
    } else if (/^[0-9]$/.test(event.key) && current) {
      const value = Number(event.key);
      pick("rating", (rs, f) => {
        const input = f.querySelector("input[type=number]");
        if (input) {
          input.value = String(value);
        }
        return rs.find((r) => JSON.parse(r.dataset.json) === value);
      });
      event.preventDefault();
    } else if (current && (event.key === "ArrowLeft" || event.key === "ArrowRight" || /^[a-hA-H]$/.test(event.key))) {
      pick("pairwise", (rs) => {
        if (event.key === "ArrowLeft") {
          return rs[0];
        }
        if (event.key === "ArrowRight") {
          return rs[rs.length - 1];
        }
        return rs[event.key.toUpperCase().charCodeAt(0) - 65];
      });
      event.preventDefault();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const fromUrl = new URLSearchParams(location.search).get("queue");
    $("queue").value = fromUrl || sessionStorage.getItem(QUEUE) || "";
    $("sign-in").addEventListener("submit", (event) => {
      event.preventDefault();
      sessionStorage.setItem(KEY, $("key").value.trim());
      sessionStorage.setItem(QUEUE, $("queue").value.trim());
      $("key").value = "";
      start();
    });
    $("sign-out").addEventListener("click", () => {
      sessionStorage.removeItem(KEY);
      current = null;
      signedIn(false);
      status("Signed out.");
    });
    $("submit").addEventListener("click", submit);
    $("answers").addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
    $("next").addEventListener("click", next);
    document.addEventListener("keydown", onKey);
    if (sessionStorage.getItem(KEY) && sessionStorage.getItem(QUEUE)) {
      start();
    }
  });
})();
