/**
 * Choose a company by typing part of its code or name: an ARIA combobox with a listbox of the first matches
 * (searched on the server, so it works with any number of companies) and a "none (top-level company)" choice.
 * Keyboard: Down/Up move through the options, Enter chooses, Escape closes and keeps the current choice.
 * The caller renders the <label htmlFor={id}>.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../api/client";
import { COMPANY_CHOICES, companyChoicesQuery, companyQuery } from "../api/companies";
import { formatCount } from "../lib/format";

type Company = Schemas["Company"];
type Option = { key: string; company: Company | null };

type Props = {
  id: string;
  /** The chosen company's id; null for none. */
  value: number | null;
  onChange: (company: Company | null) => void;
  /** The listbox's accessible name, e.g. "Parent companies". */
  listLabel: string;
  /** Companies that must not be offered (e.g. the company itself). */
  exclude?: (company: Company) => boolean;
  disabled?: boolean;
  invalid?: boolean;
  describedBy?: string;
};

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export const companyLabel = (company: Pick<Company, "code" | "name">) => `${company.code} — ${company.name}`;

export function CompanyPicker({
  id,
  value,
  onChange,
  listLabel,
  exclude,
  disabled,
  invalid,
  describedBy,
}: Props) {
  const { t } = useTranslation();
  const noneText = t("picker.none");
  const [open, setOpen] = useState(false);
  // While the user types, the input shows what they typed; otherwise the chosen company.
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState("");
  const [active, setActive] = useState(-1);
  // The company last chosen here, so that its label needs no request.
  const [chosen, setChosen] = useState<Company | null>(null);

  const query = editing ? text.trim() : "";
  const q = useDebounced(query, 200);
  const choices = useQuery({ ...companyChoicesQuery(q), enabled: open, placeholderData: keepPreviousData });
  const known = value != null && chosen?.id === value ? chosen : null;
  const current = useQuery({ ...companyQuery(value ?? 0), enabled: value != null && known == null });
  const selected = value == null ? null : (known ?? current.data ?? null);

  const matches = (choices.data?.items ?? []).filter((c) => !exclude?.(c));
  const options: Option[] = [
    ...(query === "" ? [{ key: "none", company: null }] : []),
    ...matches.map((c) => ({ key: String(c.id), company: c })),
  ];
  // Enter only chooses from the answer to what is typed now, not from an older list still on screen.
  const settled = choices.isSuccess && !choices.isPlaceholderData && q === query;
  const listId = `${id}-listbox`;
  const optionId = (option: Option) => `${id}-option-${option.key}`;
  const activeOption = open ? options[active] : undefined;

  useEffect(() => {
    if (activeOption) document.getElementById(optionId(activeOption))?.scrollIntoView?.({ block: "nearest" });
  });

  const close = () => {
    setOpen(false);
    setEditing(false);
    setActive(-1);
  };
  const choose = (option: Option) => {
    setChosen(option.company);
    close();
    setText("");
    if ((option.company?.id ?? null) !== value) onChange(option.company);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(0);
        } else {
          setActive((a) => Math.min(a + 1, options.length - 1));
        }
        break;
      case "ArrowUp":
        event.preventDefault();
        if (open) setActive((a) => Math.max(a - 1, 0));
        break;
      case "Enter":
        if (open) {
          // Never submit the form from an open list.
          event.preventDefault();
          if (activeOption && (settled || activeOption.company === null)) choose(activeOption);
        }
        break;
      case "Escape":
        if (open || editing) {
          event.preventDefault();
          event.stopPropagation();
          close();
        }
        break;
    }
  };

  const shown = editing
    ? text
    : selected
      ? companyLabel(selected)
      : value != null
        ? current.isError
          ? t("picker.unknownCompany", { id: value })
          : t("common.loadingShort")
        : "";
  const total = choices.data?.total ?? 0;

  return (
    <div className="combobox">
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-activedescendant={activeOption ? optionId(activeOption) : undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy || undefined}
        disabled={disabled}
        value={shown}
        placeholder={editing ? t("picker.typeCodeOrName") : noneText}
        onChange={(e) => {
          setText(e.target.value);
          setEditing(true);
          setOpen(true);
          setActive(-1);
        }}
        onClick={() => setOpen(true)}
        onKeyDown={onKeyDown}
        onBlur={close}
      />
      {open && (
        <div className="combobox-popup">
          <ul id={listId} role="listbox" aria-label={listLabel} aria-busy={!settled || undefined}>
            {options.map((option, index) => (
              <li
                key={option.key}
                id={optionId(option)}
                role="option"
                aria-selected={index === active}
                className={index === active ? "active" : undefined}
                // Keep the focus in the input, so that the click chooses before the blur closes the list.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(option)}
              >
                {option.company ? (
                  <>
                    <span className="option-main">{companyLabel(option.company)}</span>
                    {option.company.parent && (
                      <span className="muted option-note">
                        {" "}
                        {t("picker.under", { code: option.company.parent.code })}
                      </span>
                    )}
                  </>
                ) : (
                  <span className="option-main">{noneText}</span>
                )}
              </li>
            ))}
          </ul>
          <p className="combobox-status muted" aria-live="polite">
            {choices.isError
              ? t("picker.notLoaded", { message: choices.error.message })
              : !settled && (choices.isFetching || q !== query)
                ? t("picker.searching")
                : matches.length === 0 && query !== ""
                  ? t("picker.noMatch", { query })
                  : total > COMPANY_CHOICES
                    ? t("picker.firstOf", { shown: COMPANY_CHOICES, total: formatCount(total) })
                    : ""}
          </p>
        </div>
      )}
    </div>
  );
}
