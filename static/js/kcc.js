// KCC screen, progressive enhancement: suggestions while typing (debounced) and the chosen caller filled in
// at once. Without this file the "Zoek suggesties" and caller buttons do the same with a normal form submit.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-kcc-form]");
  if (!form) return;
  const question = form.querySelector("[data-kcc-question]");
  const routing = form.querySelector("[data-kcc-routing]");
  const articles = form.querySelector("[data-kcc-articles]");
  const topic = form.querySelector("select[name='call-topic']");
  const team = form.querySelector("select[name='call-team']");
  const url = form.dataset.suggestUrl;
  let timer = null;
  let last = "";
  let controller = null;
  const touched = new Set();
  [topic, team].forEach((el) => el && el.addEventListener("change", () => touched.add(el.name)));

  const el = (tag, attrs = {}, text = "") => {
    const node = document.createElement(tag);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
    if (text) node.textContent = text;
    return node;
  };

  function render(data) {
    routing.replaceChildren();
    if (data.routing.length) {
      const list = el("ul", { class: "kcc-hints" });
      data.routing.forEach((hint) => {
        const item = el("li");
        item.append(el("strong", {}, hint.topic), ` → ${hint.team}${hint.phone ? ` (${hint.phone})` : ""} `);
        item.append(el("span", { class: "small" }, `${Math.round(hint.p * 100)}%`));
        list.append(item);
      });
      routing.append(list);
      const top = data.routing[0];
      if (topic && !touched.has(topic.name)) topic.value = String(top.topic_id);
      if (team && !touched.has(team.name)) team.value = String(top.team_id);
    }
    const legend = articles.querySelector("legend");
    const checked = articles.querySelector("input[name='call-article']:checked");
    articles.replaceChildren(legend);
    data.articles.forEach((article, index) => {
      const row = el("div", { class: "kcc-article" });
      const id = `article-${article.id}`;
      const radio = el("input", { type: "radio", name: "call-article", id, value: String(article.id), class: "form-check-input" });
      if ((checked && checked.value === String(article.id)) || (!checked && index === 0)) radio.checked = true;
      const label = el("label", { for: id });
      label.append(el("strong", {}, article.title), " ", el("span", { class: "small" }, article.topic + (article.needs_review ? " · te herzien" : "")));
      const details = el("details");
      details.append(el("summary", {}, "Antwoord en interne notities"), el("div", { class: "kcc-answer" }, article.public_answer));
      if (article.internal_notes) details.append(el("div", { class: "kcc-internal" }, `Intern: ${article.internal_notes}`));
      row.append(radio, label, details);
      articles.append(row);
    });
    if (!data.articles.length) articles.append(el("p", { class: "small" }, "Nog geen artikelen gevonden."));
  }

  async function fetchSuggestions() {
    const text = question.value.trim();
    if (text.length < 3 || text === last) return;
    last = text;
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`${url}?q=${encodeURIComponent(text)}`, {
        headers: { Accept: "application/json" },
        signal: controller.signal,
        credentials: "same-origin",
      });
      if (response.ok) render(await response.json());
    } catch (error) {
      // Network trouble or aborted: the "Zoek suggesties" button still works.
    }
  }

  // Picking a caller: fill in name, phone and e-mail at once; the submit that follows does the same on the
  // server (and keeps everything typed), so without this script nothing is lost either.
  form.querySelectorAll("[data-kcc-pick]").forEach((button) => {
    button.addEventListener("click", () => {
      [["name", "call-contact_name"], ["phone", "call-phone"], ["email", "call-email"]].forEach(([key, name]) => {
        const input = form.querySelector(`[name='${name}']`);
        if (input && button.dataset[key]) input.value = button.dataset[key];
      });
    });
  });

  question.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 250);
  });
  if (question.value.trim()) fetchSuggestions();
});
