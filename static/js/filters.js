/* Filter the list of case studies in place.
 *
 * Without JavaScript the panel lists links to each term's page. This script turns
 * those links into checkboxes (OR within a facet, AND across facets) plus a text
 * box, keeps the URL's query string in step (shareable, back button, reload), and
 * announces the number of matching case studies in a live region. When the list
 * is paginated, the whole library is read from the open-data JSON instead.
 */
(function () {
  "use strict";
  var panel = document.getElementById("filters");
  var list = document.getElementById("results");
  var status = document.getElementById("results-count");
  if (!panel || !list || !status || !window.URLSearchParams || !window.history.pushState) return;

  var facets = Array.prototype.map.call(panel.querySelectorAll("[data-param]"), function (section) {
    return {
      param: section.getAttribute("data-param"),
      field: section.getAttribute("data-field"),
      label: section.querySelector("h3").textContent,
      terms: Array.prototype.map.call(section.querySelectorAll("a[data-value]"), function (link) {
        return { id: link.getAttribute("data-value"), name: link.textContent };
      })
    };
  });

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- the form -------------------------------------------------------------
  var form = element("form", { id: "filter-form", "class": "filter-form", "aria-label": "Filter case studies" });
  var textLabel = element("label", { "for": "filter-q", "class": "filter-form__label" }, "Search within these case studies");
  var textBox = element("input", { type: "search", id: "filter-q", name: "q", autocomplete: "off" });
  form.appendChild(textLabel);
  form.appendChild(textBox);
  facets.forEach(function (facet) {
    var fieldset = element("fieldset", { "class": "filter-form__facet" });
    fieldset.appendChild(element("legend", {}, facet.label));
    facet.terms.forEach(function (term) {
      var id = "filter-" + facet.param + "-" + term.id;
      var item = element("div", { "class": "checkbox" });
      item.appendChild(element("input", { type: "checkbox", id: id, name: facet.param, value: term.id }));
      item.appendChild(element("label", { "for": id }, term.name));
      fieldset.appendChild(item);
    });
    form.appendChild(fieldset);
  });
  var clear = element("button", { type: "button", "class": "button-secondary" }, "Clear filters");
  form.appendChild(clear);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  var links = panel.querySelector(".filters__links");
  if (links) links.hidden = true;
  // On a phone the facets would push the results a long way down: fold them away
  // unless the screen is wide or a filter is already in use.
  var fold = element("details", { "class": "filters__fold" });
  fold.appendChild(element("summary", {}, "Show filters"));
  fold.appendChild(form);
  fold.open = window.matchMedia("(min-width: 48em)").matches || window.location.search.length > 1;
  panel.insertBefore(fold, panel.querySelector(".filters__data"));

  // --- the cards ------------------------------------------------------------
  var cards = Array.prototype.slice.call(list.querySelectorAll("li.card"));
  function cardData(card) {
    var values = {};
    facets.forEach(function (facet) {
      values[facet.param] = (card.getAttribute("data-" + facet.param) || "").split(" ").filter(Boolean);
    });
    return { node: card, values: values, text: card.textContent.toLowerCase() };
  }
  var entries = cards.map(cardData);

  // --- state ----------------------------------------------------------------
  function readState() {
    var params = new URLSearchParams(window.location.search);
    var state = { q: (params.get("q") || "").trim() };
    facets.forEach(function (facet) { state[facet.param] = params.getAll(facet.param); });
    return state;
  }
  function showState(state) {
    textBox.value = state.q;
    facets.forEach(function (facet) {
      form.querySelectorAll("input[name='" + facet.param + "']").forEach(function (box) {
        box.checked = state[facet.param].indexOf(box.value) !== -1;
      });
    });
  }
  function formState() {
    var state = { q: textBox.value.trim() };
    facets.forEach(function (facet) {
      state[facet.param] = Array.prototype.map.call(
        form.querySelectorAll("input[name='" + facet.param + "']:checked"), function (box) { return box.value; });
    });
    return state;
  }
  function query(state) {
    var params = new URLSearchParams();
    facets.forEach(function (facet) {
      state[facet.param].forEach(function (value) { params.append(facet.param, value); });
    });
    if (state.q) params.set("q", state.q);
    var text = params.toString();
    return text ? "?" + text : window.location.pathname;
  }

  function matches(entry, state) {
    var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var textOk = words.every(function (word) { return entry.text.indexOf(word) !== -1; });
    return textOk && facets.every(function (facet) {
      var wanted = state[facet.param];
      return !wanted.length || wanted.some(function (value) { return entry.values[facet.param].indexOf(value) !== -1; });
    });
  }

  function apply(state) {
    var shown = 0;
    entries.forEach(function (entry) {
      var ok = matches(entry, state);
      entry.node.hidden = !ok;
      if (ok) shown += 1;
    });
    status.textContent = shown + (shown === 1 ? " case study" : " case studies");
  }

  function changed() {
    var state = formState();
    var target = query(state);
    if (target !== window.location.pathname + window.location.search &&
        !(target === window.location.pathname && !window.location.search)) {
      window.history.pushState(null, "", target);
    }
    apply(state);
  }

  var typing;
  form.addEventListener("change", changed);
  textBox.addEventListener("input", function () {
    window.clearTimeout(typing);
    typing = window.setTimeout(changed, 250);
  });
  clear.addEventListener("click", function () {
    facets.forEach(function (facet) {
      form.querySelectorAll("input[name='" + facet.param + "']").forEach(function (box) { box.checked = false; });
    });
    textBox.value = "";
    changed();
    textBox.focus();
  });
  window.addEventListener("popstate", function () {
    var state = readState();
    showState(state);
    apply(state);
  });

  function start() {
    var state = readState();
    showState(state);
    apply(state);
  }

  // A paginated list holds one page of cards: read every case study from the JSON.
  var source = panel.getAttribute("data-source");
  if (Number(panel.getAttribute("data-pages")) > 1 && source && window.fetch) {
    window.fetch(source).then(function (response) { return response.json(); }).then(function (data) {
      list.textContent = "";
      entries = data.case_studies.map(function (record) {
        var card = element("li", { "class": "card" });
        var heading = element("h2", { "class": "card__title" });
        heading.appendChild(element("a", { href: record.url }, record.title));
        card.appendChild(heading);
        card.appendChild(element("p", { "class": "card__meta" }, record.place + " · " + record.authority));
        card.appendChild(element("p", { "class": "card__summary" }, record.summary));
        facets.forEach(function (facet) {
          var value = record[facet.field];
          card.setAttribute("data-" + facet.param, [].concat(value || []).join(" "));
        });
        list.appendChild(card);
        return cardData(card);
      });
      var pages = document.querySelector(".pagination");
      if (pages) pages.hidden = true;
      start();
    }, start);
  } else {
    start();
  }
})();
