/* The search page: queries the Pagefind index that `levelup build` writes.
 *
 * The page works as a form whose state lives in the query string (?q=…&theme=…),
 * so results can be shared and the back button works. Without JavaScript the page
 * keeps its message pointing to the browse pages.
 */
const form = document.getElementById("search-form");
const box = document.getElementById("search-q");
const status = document.getElementById("search-count");
const list = document.getElementById("search-results");
const MAX_RESULTS = 50;

let pagefind;

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

function readQuery() {
  const params = new URLSearchParams(window.location.search);
  box.value = params.get("q") || "";
  for (const input of form.querySelectorAll("input[type=checkbox]")) {
    input.checked = params.getAll(input.name).includes(input.value);
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

async function run() {
  const term = box.value.trim();
  const chosen = filters();
  list.textContent = "";
  if (!term && !Object.keys(chosen).length) {
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  const search = await pagefind.search(term || null, { filters: chosen });
  const results = await Promise.all(search.results.slice(0, MAX_RESULTS).map((result) => result.data()));
  for (const result of results) {
    const item = element("li");
    const heading = element("h2", { class: "search-results__title" });
    heading.appendChild(element("a", { href: result.url }, result.meta.title));
    item.appendChild(heading);
    item.appendChild(excerpt(result.excerpt));
    list.appendChild(item);
  }
  const count = search.results.length;
  const noun = count === 1 ? "result" : "results";
  const what = term ? ` for ‘${term}’` : "";
  status.textContent = count ? `${count} ${noun}${what}` : `No results${what}`;
}

async function start() {
  document.getElementById("search-no-js").hidden = true;
  form.hidden = false;
  pagefind = await import(form.dataset.bundle + "pagefind.js");
  await pagefind.options({ baseUrl: form.dataset.base });
  readQuery();
  if (new URLSearchParams(window.location.search).toString()) {
    form.querySelector("details").open = form.querySelectorAll("input:checked").length > 0;
  }
  await run();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams(new FormData(form)).toString();
    window.history.pushState(null, "", query ? `?${query}` : window.location.pathname);
    run();
  });
  form.addEventListener("change", (event) => {
    if (event.target.type === "checkbox") form.requestSubmit();
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
  notice.querySelector("p").textContent = "Search could not be loaded. You can still find every case study by browsing.";
});
