/* The search page: queries the Pagefind index that `levelup build` writes.
 *
 * The page works as a form whose state lives in the query string (?q=…&theme=…),
 * so results can be shared and the back button works. Without JavaScript the page
 * keeps its message pointing to the list of case studies (with its filters) and the
 * browse pages. Results come STEP at a time, each with the metadata a card shows
 * (Pagefind's data-pagefind-meta on the case page's key facts).
 */
const form = document.getElementById("search-form");
const box = document.getElementById("search-q");
const status = document.getElementById("search-count");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const moreButton = more.querySelector("button");
const headerBox = document.getElementById("site-search-q");
const STEP = 20;  // results shown at first, and added by each "Show more results"

// What each facet is called in a case page's metadata (data-pagefind-meta is the
// label of its key fact, singular or plural), and whether cards show it as tags.
const facets = [...form.querySelectorAll("fieldset[data-param]")].map((fieldset) => ({
  param: fieldset.dataset.param,
  keys: [fieldset.dataset.label.toLowerCase(), fieldset.dataset.plural.toLowerCase()],
  tagged: fieldset.hasAttribute("data-tagged"),
  fieldset,
}));

let pagefind;
let search = null;  // the current search's results, loaded STEP at a time
let shown = 0;
let latest = 0;  // the newest search: an older one still running must not write over it
let broken = false;  // a search failed: Pagefind keeps the failed fetches, so start afresh

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Pagefind marks matches with <mark>; rebuild the excerpt from text so that nothing
// else in it can become markup.
// A textarea's content is plain text with entities decoded: unlike parsing the fragment
// as a document, it keeps the spaces at either end (around each highlighted word) and
// nothing in it can become markup.
function decodeEntities(text) {
  const area = document.createElement("textarea");
  area.innerHTML = text;
  return area.value;
}

function excerpt(html) {
  const paragraph = element("p", { class: "search-results__excerpt" });
  html.split(/(<mark>.*?<\/mark>)/).forEach((part) => {
    const marked = part.match(/^<mark>(.*)<\/mark>$/);
    const text = decodeEntities(marked ? marked[1] : part);
    paragraph.appendChild(marked ? element("mark", {}, text) : document.createTextNode(text));
  });
  return paragraph;
}

// A term's checkbox; a term of a long facet gets one when it is chosen from the box
// that finds it (or named in the address).
function checkboxFor(param, value) {
  const wanted = value.trim().toLowerCase();
  const boxes = [...form.querySelectorAll(`input[type=checkbox][name="${param}"]`)];
  const found = boxes.find((box) => box.value.toLowerCase() === wanted
    || box.labels[0].textContent.trim().toLowerCase() === wanted);
  if (found) return found;
  const facet = facets.find((f) => f.param === param);
  const option = facet && [...facet.fieldset.querySelectorAll("datalist option")].find(
    (o) => o.dataset.id.toLowerCase() === wanted || o.value.toLowerCase() === wanted);
  if (!option) return null;
  const id = `search-${param}-${option.dataset.id}`;
  const item = element("div", { class: "checkbox" });
  item.appendChild(element("input", { type: "checkbox", id, name: param, value: option.dataset.id }));
  item.appendChild(element("label", { for: id }, option.value));
  facet.fieldset.insertBefore(item, facet.fieldset.querySelector(".search-form__more"));
  return item.firstChild;
}

function readQuery() {
  const params = new URLSearchParams(window.location.search);
  box.value = params.get("q") || "";
  if (headerBox) headerBox.value = box.value;
  for (const input of form.querySelectorAll("input[type=checkbox]")) input.checked = false;
  for (const facet of facets) {
    for (const value of params.getAll(facet.param)) {
      const found = checkboxFor(facet.param, value);
      if (found) found.checked = true;
    }
  }
}

function filters() {
  const chosen = {};
  for (const input of form.querySelectorAll("input[type=checkbox]:checked")) {
    (chosen[input.name] = chosen[input.name] || []).push(input.value);
  }
  // Pagefind ANDs filter keys; {any: [...]} ORs the values within one.
  return Object.fromEntries(Object.entries(chosen).map(([key, values]) => [key, { any: values }]));
}

function metaOf(result, keys) {
  return keys.map((key) => result.meta[key]).find(Boolean) || "";
}

// A result shows what a card shows: title, place, who led it and date, excerpt, tags.
function resultItem(result) {
  const item = element("li");
  const heading = element("h2", { class: "search-results__title" });
  heading.appendChild(element("a", { href: result.url }, result.meta.title));
  item.appendChild(heading);
  const facts = [result.meta.place, result.meta.authority, result.meta.published].filter(Boolean);
  if (facts.length) item.appendChild(element("p", { class: "search-results__meta" }, facts.join(" \u00b7 ")));
  item.appendChild(excerpt(result.excerpt));
  const tags = element("ul", { class: "tags", "aria-label": form.dataset.tagsLabel || "Tags" });
  for (const facet of facets.filter((f) => f.tagged)) {
    for (const name of metaOf(result, facet.keys).split(", ").filter(Boolean)) {
      const tag = element("li");
      tag.appendChild(element("span", { class: "tag" }, name));
      tags.appendChild(tag);
    }
  }
  if (tags.childNodes.length) item.appendChild(tags);
  return item;
}

async function showMore() {
  const current = search;
  const next = current.results.slice(shown, shown + STEP);
  const results = await Promise.all(next.map((result) => result.data()));
  if (current !== search) return [];  // a newer search has begun meanwhile
  const items = results.map(resultItem);
  for (const item of items) list.appendChild(item);
  shown += items.length;
  const total = search.results.length;
  more.hidden = shown >= total;
  moreButton.textContent = `Show more results (${shown} of ${total} shown)`;
  return items;
}

// A failed fetch of part of the index (a dropped connection, say) is said in the
// status, rather than leaving "Searching…" on screen for good.
function failed(error) {
  broken = true;
  more.hidden = true;  // trying again is a new search: Pagefind would repeat the failed fetch
  status.textContent = `The search could not be finished. Try again, or find ${form.dataset.many || "case studies"} by browsing.`;
  console.error(error);
}

async function run() {
  const term = box.value.trim();
  const chosen = filters();
  const thisSearch = ++latest;
  list.textContent = "";
  more.hidden = true;
  search = null;
  shown = 0;
  if (!term && !Object.keys(chosen).length) {
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  try {
    if (broken) {
      broken = false;
      await pagefind.destroy();
      await loadOptions();
    }
    const found = await pagefind.search(term || null, { filters: chosen });
    if (thisSearch !== latest) return;
    search = found;
    await showMore();
  } catch (error) {
    if (thisSearch === latest) failed(error);
    return;
  }
  if (thisSearch !== latest) return;
  const count = search.results.length;
  const noun = count === 1 ? "result" : "results";
  const what = term ? ` for ‘${term}’` : "";
  status.textContent = count ? `${count} ${noun}${what}` : `No results${what}`;
}

function loadOptions() {
  return pagefind.options({ baseUrl: form.dataset.base });
}

async function start() {
  document.getElementById("search-no-js").hidden = true;
  form.hidden = false;
  pagefind = await import(form.dataset.bundle + "pagefind.js");
  await loadOptions();
  readQuery();
  if (new URLSearchParams(window.location.search).toString()) {
    form.querySelector("details").open = form.querySelectorAll("input:checked").length > 0;
  }
  await run();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams(new FormData(form)).toString();
    if (headerBox) headerBox.value = box.value;
    window.history.pushState(null, "", query ? `?${query}` : window.location.pathname);
    run();
  });
  form.addEventListener("change", (event) => {
    if (event.target.type === "checkbox") form.requestSubmit();
    if (event.target.dataset.more) {  // a term chosen from a long facet's list
      const found = checkboxFor(event.target.dataset.more, event.target.value);
      if (found) {
        found.checked = true;
        event.target.value = "";
        found.focus();
        form.requestSubmit();
      }
    }
  });
  moreButton.addEventListener("click", async () => {
    try {
      const added = await showMore();
      if (added.length) added[0].querySelector("a").focus();
    } catch (error) {
      failed(error);
    }
  });
  window.addEventListener("popstate", () => {
    readQuery();
    run();
  });
}

start().catch(() => {
  form.hidden = true;
  const notice = document.getElementById("search-no-js");
  notice.hidden = false;
  notice.querySelector("p").textContent = `Search could not be loaded. You can still find ${form.dataset.many || "case studies"} by browsing.`;
});
