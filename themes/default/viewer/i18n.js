// The viewer's UI strings.  They all come from the theme's i18n/<lang>.toml (the `tour_*` keys,
// sent without the prefix in the page's CONFIG.strings), so a site that overrides a string in
// its own themes/<name>/i18n/<lang>.toml changes the viewer too: there is one source of text.

/** The page's strings; a key the page did not send shows as its name, never as "undefined". */
export function strings(fromPage) {
  const known = Object.assign({}, fromPage || {});
  return new Proxy(known, { get: (target, key) => (key in target ? target[key] : String(key)) });
}
