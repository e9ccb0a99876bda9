// The page's words: one table (strings.json) in English and Korean; explore.py embeds the
// chosen language's column, and every string the page shows goes through t().

let table = {};

/** Use `strings` ({key: text}) from now on. */
export function setStrings(strings) {
  table = strings;
}

/** The text of `key` with its {placeholders} filled from `params`. */
export function t(key, params = {}) {
  const text = table[key];
  if (text === undefined) throw new Error(`the page has no string '${key}'`);
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name]));
}

/** Fill every element marked data-i18n (text), data-i18n-html (our markup), -title, -placeholder. */
export function translate(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-html]")) el.innerHTML = t(el.dataset.i18nHtml);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
}
