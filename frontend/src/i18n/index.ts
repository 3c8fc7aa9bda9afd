/**
 * The page's languages (English, German, French) with i18next: one message catalogue per language. A signed-in user
 * sees the language they chose (kept on the server), until they choose one the browser's first language the page
 * speaks, else English. A page load starts in the language last chosen in this browser (the sign-in page), else the
 * browser's. <html lang> and the title follow the language.
 */
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import de from "./locales/de.json";
import en from "./locales/en.json";
import fr from "./locales/fr.json";

export const LANGUAGES = ["en", "de", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language in its own words, so that a reader finds theirs whatever the page is in now. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", de: "Deutsch", fr: "Français" };

/** The locale Intl formats dates, times and numbers with (English as before: "23 Nov 2026", "1,234"). */
const LOCALES: Record<Language, string> = { en: "en-GB", de: "de-DE", fr: "fr-FR" };

// The language last chosen in this browser, for the sign-in page (before the server says whose page it is).
const STORAGE_KEY = "erp-settings.language";

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.includes(value as Language);
}

export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : "en";
}

export function currentLocale(): string {
  return LOCALES[currentLanguage()];
}

/** The first of the browser's languages (navigator.languages, in the user's order) that the page speaks. */
export function browserLanguage(): Language {
  const tags = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of tags) {
    const language = tag?.toLowerCase().split("-")[0];
    if (isLanguage(language)) return language;
  }
  return "en";
}

function rememberedLanguage(): Language | null {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isLanguage(stored) ? stored : null;
  } catch {
    return null;
  }
}

/** The language a page load starts in: the one last chosen in this browser, else the browser's. */
export function startLanguage(): Language {
  return rememberedLanguage() ?? browserLanguage();
}

i18n.on("languageChanged", () => {
  document.documentElement.lang = currentLanguage();
  document.title = i18n.t("app.name");
});

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, de: { translation: de }, fr: { translation: fr } },
  lng: startLanguage(),
  supportedLngs: LANGUAGES,
  fallbackLng: "en",
  // The catalogues are bundled: ready before the first render.
  initAsync: false,
  // React escapes what it renders.
  interpolation: { escapeValue: false },
});

function remember(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Storage may be off (private mode, a policy): the server still keeps the signed-in user's choice.
  }
}

/** Show the page in `language` and remember it in this browser (a choice in a menu). */
export function showLanguage(language: Language): Promise<unknown> {
  remember(language);
  return i18n.changeLanguage(language);
}

/**
 * The signed-in user's language: the one they chose (kept on the server), or, until they choose one, the browser's
 * languages (not the choice someone else made in this browser).
 */
export function applyUserLanguage(language: Language | null | undefined): void {
  if (language) {
    remember(language);
    if (language !== currentLanguage()) void i18n.changeLanguage(language);
    return;
  }
  const browser = browserLanguage();
  if (browser !== currentLanguage()) void i18n.changeLanguage(browser);
}

export default i18n;
