/**
 * The page's language: a native select naming each language in its own words. The choice shows at once and is
 * remembered in this browser; a signed-in user's is also stored on the server (their language in every browser).
 */
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { useStoreLanguage } from "../api/session";
import { currentLanguage, isLanguage, LANGUAGE_NAMES, LANGUAGES, showLanguage, type Language } from "../i18n";

// The top bar is dark and selects inherit its white text: the select keeps the page's colours instead.
const SELECT_STYLE = { color: "var(--text)", padding: "0.2rem 0.4rem" };

type Props = {
  /** Signed in: the choice is stored on the server at once. */
  signedIn: boolean;
  /** Told of each choice (the sign-in page stores it once the user has signed in). */
  onChoose?: (language: Language) => void;
};

export function LanguageMenu({ signedIn, onChoose }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const store = useStoreLanguage();
  const choose = (value: string) => {
    if (!isLanguage(value)) return;
    void showLanguage(value);
    onChoose?.(value);
    if (signedIn) store.mutate(value);
  };
  return (
    <div className="language-menu">
      <label htmlFor={id} className="visually-hidden">
        {t("app.language")}
      </label>
      <select id={id} value={currentLanguage()} style={SELECT_STYLE} onChange={(e) => choose(e.target.value)}>
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {LANGUAGE_NAMES[language]}
          </option>
        ))}
      </select>
      {store.isError && (
        <span className="small-text" role="alert">
          {t("app.languageNotStored")}
        </span>
      )}
    </div>
  );
}
