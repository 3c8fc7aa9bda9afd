/**
 * Lint of the message catalogues (src/i18n/locales/<language>.json), run by `npm run lint`: every key of English in
 * every language and no other, each language's plural forms complete for its plural rules (Intl.PluralRules, as
 * i18next picks them), the same {{placeholders}} and <tags> as English, and no key the code never names.
 * Prints each problem with its file and key, and exits non-zero when there is one.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LOCALES = join(ROOT, "src", "i18n", "locales");
const SOURCE = join(ROOT, "src");
const PRIMARY = "en";
// i18next's plural suffixes; `_zero` is its own extra form for a count of 0, in any language.
const PLURAL = /_(zero|one|two|few|many|other)$/;
const PLACEHOLDER = /{{\s*-?\s*([A-Za-z0-9_]+)[^}]*}}/g;
const TAG = /<\/?([A-Za-z0-9]+)\s*\/?>/g;
// A key as the code names it: t("settings.general.title"), i18nKey="audit.via", a map of "verdict.ok" keys.
const KEY_LITERAL = /["'`]([a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+)["'`]/g;

const problems = [];
const problem = (file, key, text) => problems.push(`${file}: ${key}: ${text}`);

function flatten(object, prefix, file, out) {
  for (const [name, value] of Object.entries(object)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === "string") out.set(key, value);
    else if (value && typeof value === "object" && !Array.isArray(value)) flatten(value, key, file, out);
    else problem(file, key, "is neither a text nor a group of texts");
  }
  return out;
}

/** Keys grouped by their base key: the plain text and the plural forms ({ one: …, other: … }). */
function grouped(texts) {
  const groups = new Map();
  for (const [key, text] of texts) {
    const suffix = key.match(PLURAL);
    const base = suffix ? key.slice(0, suffix.index) : key;
    const group = groups.get(base) ?? { plain: undefined, forms: new Map() };
    if (suffix) group.forms.set(suffix[1], text);
    else group.plain = text;
    groups.set(base, group);
  }
  return groups;
}

const namesIn = (text, pattern) => new Set([...text.matchAll(pattern)].map((m) => m[1]));
const variants = (group) => [...(group.plain === undefined ? [] : [["", group.plain]]), ...group.forms];
const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
const listed = (set) => (set.size ? [...set].sort().join(", ") : "none");

const files = readdirSync(LOCALES).filter((name) => name.endsWith(".json"));
const catalogues = new Map(
  files.map((name) => {
    const file = relative(ROOT, join(LOCALES, name));
    return [
      name.replace(/\.json$/, ""),
      { file, groups: grouped(flatten(readJson(file), "", file, new Map())) },
    ];
  }),
);

function readJson(file) {
  try {
    return JSON.parse(readFileSync(join(ROOT, file), "utf8"));
  } catch (error) {
    problem(file, "(file)", `is not valid JSON: ${error.message}`);
    return {};
  }
}

const primary = catalogues.get(PRIMARY);
if (!primary) {
  problem(relative(ROOT, LOCALES), "(folder)", `has no ${PRIMARY}.json`);
} else {
  for (const [language, { file, groups }] of catalogues) {
    const categories = new Set(new Intl.PluralRules(language).resolvedOptions().pluralCategories);
    for (const base of primary.groups.keys()) {
      if (!groups.has(base))
        problem(file, base, `missing (${PRIMARY}: “${variants(primary.groups.get(base))[0][1]}”)`);
    }
    for (const [base, group] of groups) {
      const source = primary.groups.get(base);
      if (!source) {
        problem(file, base, `not in ${PRIMARY}.json`);
        continue;
      }
      if (group.forms.size > 0) {
        const lacking = [...categories].filter((c) => !group.forms.has(c));
        if (lacking.length)
          problem(file, base, `lacks the plural form(s) ${lacking.map((c) => `_${c}`).join(", ")}`);
        for (const form of group.forms.keys()) {
          if (form !== "zero" && !categories.has(form))
            problem(file, `${base}_${form}`, `${language} has no “${form}” form`);
        }
      }
      if (source.forms.has("zero") !== group.forms.has("zero")) {
        problem(
          file,
          base,
          `_zero must be in every language or in none (${PRIMARY} ${source.forms.has("zero") ? "has" : "has not"} it)`,
        );
      }
      // The count may be left out of a form ("Ein Unternehmen"); every other value must be used, and none invented.
      const expected = new Set(variants(source).flatMap(([, text]) => [...namesIn(text, PLACEHOLDER)]));
      const tags = new Set(variants(source).flatMap(([, text]) => [...namesIn(text, TAG)]));
      for (const [form, text] of variants(group)) {
        const key = form ? `${base}_${form}` : base;
        const found = namesIn(text, PLACEHOLDER);
        const withoutCount = (set) => new Set([...set].filter((name) => name !== "count"));
        if (
          !sameSet(withoutCount(found), withoutCount(expected)) ||
          (found.has("count") && !expected.has("count"))
        ) {
          problem(file, key, `placeholders ${listed(found)}, ${PRIMARY} has ${listed(expected)}`);
        }
        const foundTags = namesIn(text, TAG);
        if (!sameSet(foundTags, tags))
          problem(file, key, `tags ${listed(foundTags)}, ${PRIMARY} has ${listed(tags)}`);
      }
    }
  }

  // Unused keys: named nowhere in the page's code (tests and the catalogues themselves do not count).
  const named = new Set();
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!["__tests__", "test", "locales"].includes(entry.name)) walk(path);
      } else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        for (const match of readFileSync(path, "utf8").matchAll(KEY_LITERAL)) named.add(match[1]);
      }
    }
  };
  walk(SOURCE);
  for (const base of primary.groups.keys()) {
    if (!named.has(base))
      problem(primary.file, base, "not used anywhere in src (remove it from every language)");
  }
}

if (problems.length) {
  console.error(
    `Message catalogues: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join("\n")}`,
  );
  process.exit(1);
}
console.log(
  `Message catalogues: ${[...catalogues.keys()].join(", ")} complete, ${primary.groups.size} keys, all used.`,
);
