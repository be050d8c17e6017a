/* Filter, sort and page the list of case studies, as GOV.UK finders do.
 *
 * Without JavaScript the panel lists links to each term's page and the list is the
 * server's pages. This script turns the links into checkboxes with live counts (OR
 * within a facet, AND across facets), a text box that matches every field a card
 * shows (term names included), a sort control and removable tags for the chosen
 * filters. The address records the view (?theme=…&q=…&sort=…&page=…): shareable,
 * restored by the back button, one history entry per settled query.
 *
 * It never holds more than a page of cards in the document. What filtering needs is
 * the finder index (/data/finder.json: per case study only what a card shows and its
 * terms as numbers), fetched the first time the reader uses the filters or when the
 * address already asks for a filtered view. The unfiltered view is the server's page.
 */
(function () {
  "use strict";
  var panel = document.getElementById("filters");
  var list = document.getElementById("results");
  var status = document.getElementById("results-count");
  if (!panel || !list || !status || !panel.getAttribute("data-index") || !window.fetch ||
      !window.URLSearchParams || !window.history.pushState) return;

  var SORTS = [["newest", "Newest first"], ["oldest", "Oldest first"], ["title", "Title (A to Z)"],
               ["place", "Place (A to Z)"]];
  // The site's words (site.yaml `words:`) and the cards' tags label, as the page gives them.
  var TAGS_LABEL = panel.getAttribute("data-tags-label") || "Tags";
  var ONE = panel.getAttribute("data-one") || "case study";
  var MANY = panel.getAttribute("data-many") || "case studies";
  var OPTIONS_SHOWN = 12;  // a longer facet shows its most used terms and a box to find the others
  var FOUND_SHOWN = 30;  // at most this many terms found through that box
  var TYPING_MS = 200;  // a pause this long updates the list ...
  var SETTLED_MS = 1000;  // ... and one this long ends the query: the next one is a new history entry

  var indexUrl = panel.getAttribute("data-index");
  var listUrl = panel.getAttribute("data-list");
  var pageSize = Number(panel.getAttribute("data-page-size")) || 50;
  var documentPath = window.location.pathname;
  var column = list.parentNode;
  var serverCards = list.innerHTML;
  var serverCount = status.textContent;
  var serverNav = column.querySelector(".pagination");
  var serverNavHtml = serverNav ? serverNav.outerHTML : "";

  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function plural(number, one, many) { return number + " " + (number === 1 ? one : many); }
  function slugOf(text) { return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""); }

  // --- the facets, first as the server listed them ---------------------------
  var facets = all(".filters__facet", panel).map(function (section) {
    return {
      param: section.getAttribute("data-param"),
      label: section.getAttribute("data-label"),
      plural: section.getAttribute("data-plural"),
      terms: all("a[data-value]", section).map(function (link) {
        return { id: link.getAttribute("data-value"), name: link.textContent, count: Number(link.getAttribute("data-count")) };
      }),
      total: Number(section.getAttribute("data-total")),
      find: "",
      shown: ""
    };
  });
  facets.forEach(function (facet) { facet.base = facet.terms.map(function (term) { return term.id; }); });

  // --- the finder index ------------------------------------------------------
  var index = null;
  var loading = null;
  function load() {
    if (!loading) {
      loading = window.fetch(indexUrl).then(function (response) {
        if (!response.ok) throw new Error(indexUrl + " answered " + response.status);
        return response.json();
      }).then(function (data) {
        index = data;
        data.facets.forEach(function (facet) {
          facet.terms = facet.terms.map(function (term) { return { id: term[0], name: term[1], url: term[2] }; });
          var shown = facets.filter(function (f) { return f.param === facet.param; })[0];
          if (shown) { shown.terms = facet.terms; shown.full = facet; }
        });
        data.studies = data.studies.map(function (row, number) {
          return { url: row[0], title: row[1], summary: row[2], place: row[3], authority: row[4], published: row[5],
                   draft: row[6] === 1, terms: row[7], date: row[8], order: number, text: null };
        });
        return data;
      });
      loading.catch(failed);
    }
    return loading;
  }
  function textOf(study) {
    if (study.text === null) {
      var words = [study.title, study.summary || "", study.place || "", study.authority || "", study.date];
      index.facets.forEach(function (facet, number) {
        study.terms[number].forEach(function (term) { words.push(facet.terms[term].name); });
      });
      study.text = words.join(" \u0000 ").toLowerCase();
    }
    return study.text;
  }

  // --- the state, read from and written to the address -------------------------
  function emptyState() {
    var state = { q: "", sort: "newest", page: 1, chosen: {}, unknown: [] };
    facets.forEach(function (facet) { state.chosen[facet.param] = []; });
    return state;
  }
  function facetOf(param) { return facets.filter(function (facet) { return facet.param === param; })[0]; }
  // A value in the address names a term by its id or its name, in any case.
  function resolve(facet, value) {
    var wanted = value.trim().toLowerCase();
    var found = facet.terms.filter(function (term) {
      return term.id.toLowerCase() === wanted || term.name.toLowerCase() === wanted || slugOf(term.name) === wanted;
    })[0];
    return found ? found.id : null;
  }
  function readState() {
    var params = new URLSearchParams(window.location.search);
    var state = emptyState();
    state.q = (params.get("q") || "").trim();
    var sort = (params.get("sort") || "").toLowerCase();
    if (SORTS.some(function (pair) { return pair[0] === sort; })) state.sort = sort;
    state.page = Math.max(1, parseInt(params.get("page"), 10) || 1);
    state.paged = params.has("page");
    facets.forEach(function (facet) {
      params.getAll(facet.param).forEach(function (value) {
        var id = resolve(facet, value);
        if (id === null) state.unknown.push({ label: facet.label, value: value });
        else if (state.chosen[facet.param].indexOf(id) === -1) state.chosen[facet.param].push(id);
      });
    });
    return state;
  }
  function asksForView(state) {
    return state.q || state.sort !== "newest" || state.paged || state.page > 1 || state.unknown.length ||
      facets.some(function (facet) { return state.chosen[facet.param].length; });
  }
  function addressOf(state) {
    if (!asksForView(state)) return documentPath;
    var params = new URLSearchParams();
    facets.forEach(function (facet) {
      state.chosen[facet.param].forEach(function (id) { params.append(facet.param, id); });
    });
    if (state.q) params.set("q", state.q);
    if (state.sort !== "newest") params.set("sort", state.sort);
    if (state.page > 1) params.set("page", String(state.page));
    var text = params.toString();
    return listUrl + (text ? "?" + text : "");
  }
  function copy(state) {
    var next = emptyState();
    next.q = state.q;
    next.sort = state.sort;
    facets.forEach(function (facet) { next.chosen[facet.param] = state.chosen[facet.param].slice(); });
    return next;  // a changed query starts again at page 1
  }

  // --- matching, counting and sorting ------------------------------------------
  // For each facet, the case studies that match every *other* filter: a term's count
  // is how many of those have it, so a count says what ticking that box would give.
  function evaluate(state) {
    var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = index.facets.map(function (facet) {
      var ids = state.chosen[facet.param] || [];
      return ids.length ? facet.terms.map(function (term) { return ids.indexOf(term.id) !== -1; }) : null;
    });
    var counts = index.facets.map(function (facet) { return facet.terms.map(function () { return 0; }); });
    var matched = [];
    index.studies.forEach(function (study) {
      if (words.length) {
        var text = textOf(study);
        if (!words.every(function (word) { return text.indexOf(word) !== -1; })) return;
      }
      var failing = -1;
      var failures = 0;
      for (var n = 0; n < wanted.length && failures < 2; n += 1) {
        if (wanted[n] && !study.terms[n].some(function (term) { return wanted[n][term]; })) {
          failing = n;
          failures += 1;
        }
      }
      if (failures === 0) matched.push(study);
      if (failures >= 2) return;
      study.terms.forEach(function (terms, n) {
        if (failures === 0 || failing === n) terms.forEach(function (term) { counts[n][term] += 1; });
      });
    });
    return { matched: sorted(matched, state.sort), counts: counts };
  }
  function compareText(a, b) { return (a || "").localeCompare(b || "", "en", { sensitivity: "base", numeric: true }); }
  function sorted(studies, sort) {
    var by = {
      newest: function (a, b) { return a.order - b.order; },
      oldest: function (a, b) { return a.published < b.published ? -1 : a.published > b.published ? 1 : compareText(a.title, b.title); },
      title: function (a, b) { return compareText(a.title, b.title) || a.order - b.order; },
      place: function (a, b) { return compareText(a.place, b.place) || compareText(a.title, b.title); }
    }[sort];
    return studies.slice().sort(by);
  }

  // --- a card, exactly as templates/_cards.html writes it ------------------------
  // Text from case studies sits in <bdi>, so that right-to-left text in one cannot
  // reorder what stands around it.
  function link(url, text, className) {
    var anchor = element("a", className ? { "class": className, href: url } : { href: url });
    anchor.appendChild(element("bdi", {}, text));
    return anchor;
  }

  function card(study) {
    var item = element("li", { "class": "card" });
    index.facets.forEach(function (facet, n) {
      item.setAttribute("data-" + facet.param, study.terms[n].map(function (term) { return facet.terms[term].id; }).join(" "));
    });
    var heading = element("h2", { "class": "card__title" });
    heading.appendChild(link(study.url, study.title));
    if (study.draft) {
      heading.appendChild(document.createTextNode(" "));
      heading.appendChild(element("strong", { "class": "tag tag--draft" }, "Draft"));
    }
    item.appendChild(heading);
    // place, authority and summary are optional fields: a card leaves out what a case study lacks
    var meta = element("p", { "class": "card__meta" });
    [study.place, study.authority].forEach(function (part) {
      if (!part) return;
      meta.appendChild(element("bdi", {}, part));
      meta.appendChild(document.createTextNode(" \u00b7 "));
    });
    meta.appendChild(element("time", { datetime: study.published }, study.date));
    item.appendChild(meta);
    if (study.summary) item.appendChild(element("p", { "class": "card__summary" }, study.summary));
    var tags = element("ul", { "class": "tags", "aria-label": TAGS_LABEL });
    index.facets.forEach(function (facet, n) {
      if (!facet.tagged) return;
      study.terms[n].forEach(function (term) {
        var tag = element("li");
        tag.appendChild(link(facet.terms[term].url, facet.terms[term].name, "tag"));
        tags.appendChild(tag);
      });
    });
    if (tags.childNodes.length) item.appendChild(tags);
    return item;
  }

  // --- the form ------------------------------------------------------------------
  var form = element("form", { id: "filter-form", "class": "filter-form", "aria-label": "Filter " + MANY });
  var textLabel = element("label", { "for": "filter-q", "class": "filter-form__label" }, "Search within these " + MANY);
  var textBox = element("input", { type: "search", id: "filter-q", name: "q", autocomplete: "off",
                                   "aria-describedby": "filter-q-hint" });
  var textHint = element("p", { id: "filter-q-hint", "class": "filter-form__hint" },
                         "Matches titles, summaries, places, who led the work, dates and every term.");
  form.appendChild(textLabel);
  form.appendChild(textHint);
  form.appendChild(textBox);
  facets.forEach(function (facet) {
    var fieldset = element("fieldset", { "class": "filter-form__facet" });
    fieldset.appendChild(element("legend", {}, facet.label));
    if (facet.total > OPTIONS_SHOWN) {
      var findId = "filter-" + facet.param + "-find";
      fieldset.appendChild(element("label", { "for": findId, "class": "filter-form__find-label" },
                                   "Find a " + facet.label.toLowerCase()));
      facet.findBox = element("input", { type: "search", id: findId, autocomplete: "off", "class": "filter-form__find",
                                         "aria-describedby": findId + "-note" });
      fieldset.appendChild(facet.findBox);
      facet.note = element("p", { id: findId + "-note", "class": "filter-form__note" });
      facet.findBox.addEventListener("input", function () {
        facet.find = facet.findBox.value.trim().toLowerCase();
        load().then(function () { if (lastCounts) showOptions(facet, current, lastCounts); else show(current); });
      });
    }
    facet.options = element("div", { "class": "filter-form__options" });
    fieldset.appendChild(facet.options);
    if (facet.note) fieldset.appendChild(facet.note);
    facet.fieldset = fieldset;
    form.appendChild(fieldset);
  });
  var clear = element("button", { type: "button", "class": "button-secondary" }, "Clear filters");
  var showResults = element("button", { type: "button", "class": "button filters__show" }, "Show results");
  var actions = element("div", { "class": "filter-form__actions" });
  actions.appendChild(showResults);
  actions.appendChild(clear);
  form.appendChild(actions);
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  var toggle = element("button", { type: "button", "class": "filters__toggle", "aria-controls": "filter-form",
                                   "aria-expanded": "false" }, "Show filters");
  function fold(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.textContent = open ? "Hide filters" : "Show filters";
    panel.classList.toggle("filters--folded", !open);
  }
  toggle.addEventListener("click", function () { fold(toggle.getAttribute("aria-expanded") !== "true"); });
  var links = panel.querySelector(".filters__links");
  if (links) links.hidden = true;
  panel.insertBefore(toggle, links);
  panel.insertBefore(form, links);
  fold(false);  // on a phone the results come first; on a wide screen the panel is always open

  // Above the results: the chosen filters, each removable, and the sort control.
  var chosenBox = element("div", { "class": "chosen", id: "chosen-filters", hidden: "" });
  chosenBox.appendChild(element("h2", { "class": "chosen__heading", id: "chosen-heading" }, "Chosen filters"));
  var chosenList = element("ul", { "class": "chosen__list", "aria-labelledby": "chosen-heading" });
  chosenBox.appendChild(chosenList);
  var unknownNote = element("p", { "class": "notice chosen__unknown", hidden: "" });
  var sortBox = element("div", { "class": "sort" });
  sortBox.appendChild(element("label", { "for": "filter-sort" }, "Sort by"));
  var sortSelect = element("select", { id: "filter-sort", name: "sort" });
  SORTS.forEach(function (pair) { sortSelect.appendChild(element("option", { value: pair[0] }, pair[1])); });
  sortBox.appendChild(sortSelect);
  var bar = element("div", { "class": "results-bar" });
  column.insertBefore(chosenBox, status);
  column.insertBefore(unknownNote, status);
  column.insertBefore(bar, status);
  bar.appendChild(status);
  bar.appendChild(sortBox);
  status.setAttribute("tabindex", "-1");

  // --- showing a state -------------------------------------------------------------
  var current = emptyState();
  var lastCounts = null;

  function option(facet, term) {
    var id = "filter-" + facet.param + "-" + term.id;
    var item = element("div", { "class": "checkbox" });
    var box = element("input", { type: "checkbox", id: id, name: facet.param, value: term.id });
    var label = element("label", { "for": id }, term.name + " ");
    label.appendChild(element("span", { "class": "filter-form__count" }));
    item.appendChild(box);
    item.appendChild(label);
    return item;
  }
  function countOf(facet, term, counts) {
    if (!counts) return term.count;
    var position = facet.full.terms.indexOf(term);
    return counts[index.facets.indexOf(facet.full)][position];
  }
  function showOptions(facet, state, counts) {
    var chosen = state.chosen[facet.param];
    var ids;
    var matching = 0;
    if (facet.find) {
      var found = facet.terms.filter(function (term) { return term.name.toLowerCase().indexOf(facet.find) !== -1; });
      matching = found.length;
      ids = found.slice(0, FOUND_SHOWN).map(function (term) { return term.id; });
    } else {
      ids = facet.base.slice();
    }
    chosen.forEach(function (id) { if (ids.indexOf(id) === -1) ids.unshift(id); });
    var key = ids.join(" ");
    if (key !== facet.shown) {
      var hadFocus = facet.options.contains(document.activeElement);
      facet.options.textContent = "";
      ids.forEach(function (id) {
        var term = facet.terms.filter(function (t) { return t.id === id; })[0];
        if (term) facet.options.appendChild(option(facet, term));
      });
      facet.shown = key;
      if (hadFocus && !facet.options.contains(document.activeElement)) (facet.findBox || textBox).focus();
    }
    all("input[type=checkbox]", facet.options).forEach(function (box) {
      var term = facet.terms.filter(function (t) { return t.id === box.value; })[0];
      var count = countOf(facet, term, counts);
      box.checked = chosen.indexOf(term.id) !== -1;
      box.disabled = count === 0 && !box.checked;  // ticking it would show nothing
      box.parentNode.classList.toggle("checkbox--empty", box.disabled);
      box.parentNode.querySelector(".filter-form__count").textContent = "(" + count + ")";
    });
    if (facet.note) {
      facet.note.textContent = facet.find
        ? (matching ? "Showing " + Math.min(matching, FOUND_SHOWN) + " of " + plural(matching, facet.label.toLowerCase(), facet.plural.toLowerCase()) + " found."
                    : "No " + facet.label.toLowerCase() + " matches.")
        : "Showing the " + facet.base.length + " with most " + MANY + "; type to find one of all " + facet.total + ".";
    }
  }

  function showChosen(state) {
    chosenList.textContent = "";
    function tag(text, remove) {
      var item = element("li");
      var button = element("button", { type: "button", "class": "chosen__tag" });
      button.appendChild(element("span", { "class": "visually-hidden" }, "Remove filter "));
      button.appendChild(document.createTextNode(text));
      button.appendChild(element("span", { "aria-hidden": "true", "class": "chosen__cross" }, " \u2715"));
      button.addEventListener("click", function () {
        var next = copy(current);
        remove(next);
        var position = Array.prototype.indexOf.call(chosenList.children, item);
        change(next, false).then(function () {
          // Focus stays among the tags: on the one that took this one's place, else the count.
          var buttons = chosenList.querySelectorAll("button");
          (buttons[Math.min(position, buttons.length - 1)] || status).focus();
        });
      });
      item.appendChild(button);
      chosenList.appendChild(item);
    }
    if (state.q) tag("Containing: " + state.q, function (next) { next.q = ""; });
    facets.forEach(function (facet) {
      state.chosen[facet.param].forEach(function (id) {
        var term = facet.terms.filter(function (t) { return t.id === id; })[0];
        tag(facet.label + ": " + term.name, function (next) {
          next.chosen[facet.param] = next.chosen[facet.param].filter(function (other) { return other !== id; });
        });
      });
    });
    chosenBox.hidden = !chosenList.children.length;
    unknownNote.hidden = !state.unknown.length;
    unknownNote.textContent = state.unknown.map(function (wrong) {
      return "There is no " + wrong.label.toLowerCase() + " called \u2018" + wrong.value + "\u2019, so that filter was left out.";
    }).join(" ");
  }

  function pageLink(state, number, rel, text) {
    var target = copy(state);
    target.page = number;
    var link = element("a", { href: addressOf(target), rel: rel }, text);
    link.appendChild(element("span", { "class": "visually-hidden" }, " page"));
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
      event.preventDefault();
      change(target, false).then(function () {
        status.focus();
        status.scrollIntoView();
      });
    });
    var item = element("li");
    item.appendChild(link);
    return item;
  }
  function showPagination(state, number, pages) {
    var old = column.querySelector(".pagination");
    if (pages < 2) { if (old) old.remove(); return; }
    var nav = element("nav", { "class": "pagination", "aria-label": "Pages" });
    var items = element("ul");
    if (number > 1) items.appendChild(pageLink(state, number - 1, "prev", "Previous"));
    items.appendChild(element("li", {}, "Page " + number + " of " + pages));
    if (number < pages) items.appendChild(pageLink(state, number + 1, "next", "Next"));
    nav.appendChild(items);
    if (old) column.replaceChild(nav, old); else column.insertBefore(nav, list.nextSibling);
  }

  function show(state) {
    textBox.value = state.q;
    sortSelect.value = state.sort;
    showChosen(state);
    if (!index) {  // the server's view, with the server's counts
      facets.forEach(function (facet) { showOptions(facet, state, null); });
      return;
    }
    var result = evaluate(state);
    lastCounts = result.counts;
    facets.forEach(function (facet) { showOptions(facet, state, result.counts); });
    var total = result.matched.length;
    showResults.textContent = "Show " + plural(total, "result", "results");
    if (!asksForView(state)) {  // the unfiltered list is this document's own page
      if (list.innerHTML !== serverCards) {
        list.innerHTML = serverCards;
        var nav = column.querySelector(".pagination");
        if (nav) nav.remove();
        if (serverNavHtml) list.insertAdjacentHTML("afterend", serverNavHtml);
      }
      status.textContent = serverCount;
      return;
    }
    var pages = Math.max(1, Math.ceil(total / pageSize));
    var number = Math.min(state.page, pages);
    list.textContent = "";
    var cards = document.createDocumentFragment();
    result.matched.slice((number - 1) * pageSize, number * pageSize).forEach(function (study) {
      cards.appendChild(card(study));
    });
    list.appendChild(cards);
    showPagination(state, number, pages);
    status.textContent = total ? plural(total, ONE, MANY)
                               : "0 " + MANY + ". Try removing a filter or searching for fewer words.";
  }

  // --- changes, and the history they make ----------------------------------------------
  var typingEntry = false;
  var settleTimer;
  var generation = 0;
  function change(state, typing) {
    current = state;
    var mine = (generation += 1);
    var target = addressOf(state);
    var here = window.location.pathname + window.location.search;
    if (target !== here) {
      // While typing, the query's one history entry is rewritten; once settled, the next change adds one.
      if (typing && typingEntry) window.history.replaceState(null, "", target);
      else window.history.pushState(null, "", target);
    }
    window.clearTimeout(settleTimer);
    typingEntry = typing;
    if (typing) settleTimer = window.setTimeout(function () { typingEntry = false; }, SETTLED_MS);
    return load().then(function () { if (mine === generation) show(current); });
  }
  function failed() {
    form.remove();
    toggle.remove();
    chosenBox.remove();
    sortBox.remove();
    if (links) links.hidden = false;
    list.innerHTML = serverCards;
    status.textContent = serverCount;
  }

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox") return;
    var next = copy(current);
    var ids = next.chosen[box.name];
    if (box.checked && ids.indexOf(box.value) === -1) ids.push(box.value);
    if (!box.checked) next.chosen[box.name] = ids.filter(function (id) { return id !== box.value; });
    change(next, false);
  });
  var typing;
  textBox.addEventListener("input", function () {
    window.clearTimeout(typing);
    typing = window.setTimeout(function () {
      var next = copy(current);
      next.q = textBox.value.trim();
      if (next.q !== current.q) change(next, true);
    }, TYPING_MS);
  });
  sortSelect.addEventListener("change", function () {
    var next = copy(current);
    next.sort = sortSelect.value;
    change(next, false);
  });
  clear.addEventListener("click", function () {
    facets.forEach(function (facet) { facet.find = ""; if (facet.findBox) facet.findBox.value = ""; });
    change(emptyState(), false);
    textBox.focus();
  });
  showResults.addEventListener("click", function () {
    fold(false);
    status.focus();
    status.scrollIntoView();
  });
  // The index is fetched when the reader first reaches for the filters, not with the page.
  ["focusin", "pointerdown"].forEach(function (name) {
    form.addEventListener(name, load, { once: true });
    sortBox.addEventListener(name, load, { once: true });
  });
  window.addEventListener("popstate", function () {
    typingEntry = false;
    current = readState();
    (asksForView(current) ? load() : Promise.resolve()).then(function () {
      current = readState();
      show(current);
    });
  });

  current = readState();
  show(current);
  if (window.location.search) {
    load().then(function () {
      current = readState();  // names and ids of every term are known now
      show(current);
    });
  }
})();
