/** The General panel: values with their source in view mode; inputs with changed marks and errors in edit mode. */
import { useState, type ReactNode } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Schemas } from "../../api/client";
import { REGIONS } from "../../api/companies";
import { SourceNote } from "../../components/SourceNote";
import { isLanguage, LANGUAGE_NAMES, LANGUAGES } from "../../i18n";
import { Changed, fieldState } from "./editParts";
import { errorFor, type Changes, type Draft, type Settings } from "./fields";
import { PlacementFields } from "./PlacementFields";

type Marketplace = Schemas["MarketplaceInfo"];

type Props = {
  settings: Settings;
  draft: Draft | null;
  marketplaces: Marketplace[];
  errors: Record<string, string>;
  /** Sends the change; rejects when the server refuses it. */
  onChange: (changes: Changes) => Promise<void>;
};

export function marketplaceName(catalogue: Marketplace[], id: string): string {
  const known = catalogue.find((m) => m.id === id);
  return known ? `${known.name} (${known.countryCode})` : id;
}

export function GeneralPanel(props: Props) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="general-title">
      <h2 id="general-title">{t("settings.general.title")}</h2>
      {props.draft ? (
        <GeneralEditor key={props.draft.id} {...props} draft={props.draft} />
      ) : (
        <GeneralView {...props} />
      )}
    </section>
  );
}

function Row({ label, children, source }: { label: string; children: ReactNode; source?: ReactNode }) {
  return (
    <div className="kv-row">
      <dt>{label}</dt>
      <dd>
        <span className="kv-value">{children}</span>
        {source}
      </dd>
    </div>
  );
}

function GeneralView({ settings, marketplaces }: Props) {
  const { t } = useTranslation();
  const s = settings;
  const onOff = (value: boolean) => (value ? t("common.on") : t("common.off"));
  return (
    <dl className="kv">
      <Row label={t("settings.general.amazonAccount")}>
        {s.accountOwner.id === s.company.id ? (
          t("companies.tree.ownAccount")
        ) : (
          <Trans
            i18nKey="settings.general.usesAccount"
            values={{ code: s.accountOwner.code }}
            components={{ a: <Link to={`/companies/${s.accountOwner.id}/amazon`} /> }}
          />
        )}
      </Row>
      <Row label={t("settings.general.enabled")} source={<SourceNote source={s.enabled.source} />}>
        {s.enabled.value ? t("common.yes") : t("common.no")}
      </Row>
      <Row label={t("settings.general.accountType")} source={<SourceNote source={s.accountType.source} />}>
        {s.accountType.value === "seller" ? t("settings.general.seller") : t("settings.general.vendor")}
      </Row>
      <Row
        label={t("settings.general.marketplaces")}
        source={<SourceNote source={s.marketplaceIds.source} />}
      >
        {s.marketplaceIds.value.length
          ? s.marketplaceIds.value.map((id) => marketplaceName(marketplaces, id)).join(", ")
          : t("settings.general.noMarketplaces")}
      </Row>
      <Row
        label={t("settings.general.orderImport")}
        source={<SourceNote source={s.orderImportEnabled.source} />}
      >
        {onOff(s.orderImportEnabled.value)}
      </Row>
      <Row
        label={t("settings.general.inventorySync")}
        source={<SourceNote source={s.inventorySyncEnabled.source} />}
      >
        {onOff(s.inventorySyncEnabled.value)}
      </Row>
      <Row label={t("settings.general.priceSync")} source={<SourceNote source={s.priceSyncEnabled.source} />}>
        {onOff(s.priceSyncEnabled.value)}
      </Row>
      <Row
        label={t("settings.general.notificationEmail")}
        source={<SourceNote source={s.notificationEmail.source} />}
      >
        {s.notificationEmail.value ?? t("settings.general.noEmail")}
      </Row>
      <Row label={t("settings.general.language")}>{LANGUAGE_NAMES[s.language]}</Row>
    </dl>
  );
}

function GeneralEditor({ settings, draft, marketplaces, errors, onChange: send }: Props & { draft: Draft }) {
  const { t } = useTranslation();
  // What the user just chose shows at once, until the server's draft (or its refusal) comes back.
  const [pending, setPending] = useState<{ base: Draft["values"]; values: Changes } | null>(null);
  const v: Draft["values"] =
    pending && pending.base === draft.values
      ? ({ ...draft.values, ...pending.values } as Draft["values"])
      : draft.values;
  const onChange = (changes: Changes) => {
    setPending({
      base: draft.values,
      values: { ...(pending?.base === draft.values ? pending.values : {}), ...changes },
    });
    send(changes).catch(() => setPending(null));
  };
  const [email, setEmail] = useState(v.notificationEmail ?? "");
  const isOwner = v.accountOwner.id === settings.company.id;
  const { changed, wrap, described, invalid, error: err } = fieldState(draft, settings, errors);

  const toggle = (
    field: "enabled" | "orderImportEnabled" | "inventorySyncEnabled" | "priceSyncEnabled",
    label: string,
  ) => (
    <div className={wrap(field)}>
      <input
        type="checkbox"
        id={`f-${field}`}
        checked={v[field]}
        aria-describedby={described(field)}
        onChange={(e) => onChange({ [field]: e.target.checked })}
      />
      <label htmlFor={`f-${field}`}>{label}</label>
      <Changed show={changed(field)} />
      {err(field)}
    </div>
  );

  const saveEmail = () => {
    const next = email.trim() === "" ? null : email.trim();
    if (next !== (v.notificationEmail ?? null) || errorFor(errors, "notificationEmail")) {
      onChange({ notificationEmail: next });
    }
  };

  return (
    <div className="edit-grid">
      <PlacementFields settings={settings} draft={draft} values={v} errors={errors} onChange={onChange} />
      {toggle("enabled", t("settings.general.enabled"))}
      <div className={wrap("accountType")}>
        <label htmlFor="f-accountType">{t("settings.general.accountType")}</label>
        <select
          id="f-accountType"
          value={v.accountType}
          disabled={!isOwner}
          aria-describedby={described("accountType") ?? (isOwner ? undefined : "accountType-note")}
          onChange={(e) => onChange({ accountType: e.target.value as "seller" | "vendor" })}
        >
          <option value="seller">{t("settings.general.seller")}</option>
          <option value="vendor">{t("settings.general.vendor")}</option>
        </select>
        {!isOwner && (
          <span className="hint" id="accountType-note">
            <Trans
              i18nKey="settings.general.inheritedChangeOn"
              values={{ code: v.accountOwner.code }}
              components={{ a: <Link to={`/companies/${v.accountOwner.id}/amazon`} /> }}
            />
          </span>
        )}
        <Changed show={changed("accountType")} />
        {err("accountType")}
      </div>
      <fieldset className={wrap("marketplaceIds")} aria-describedby={described("marketplaceIds")}>
        <legend>
          {t("settings.general.marketplaces")} <Changed show={changed("marketplaceIds")} />
        </legend>
        <div className="marketplace-groups">
          {REGIONS.map((region) => (
            <div key={region} className="marketplace-group">
              <span className="marketplace-region">{region}</span>
              {marketplaces
                .filter((m) => m.region === region)
                .map((m) => (
                  <label key={m.id} className="checkbox-label">
                    <input
                      type="checkbox"
                      checked={v.marketplaceIds.includes(m.id)}
                      onChange={(e) =>
                        onChange({
                          marketplaceIds: e.target.checked
                            ? [...v.marketplaceIds, m.id]
                            : v.marketplaceIds.filter((id) => id !== m.id),
                        })
                      }
                    />
                    {m.name} ({m.countryCode})
                  </label>
                ))}
            </div>
          ))}
        </div>
        {err("marketplaceIds")}
      </fieldset>
      {toggle("orderImportEnabled", t("settings.general.orderImport"))}
      {toggle("inventorySyncEnabled", t("settings.general.inventorySync"))}
      {toggle("priceSyncEnabled", t("settings.general.priceSync"))}
      <div className={wrap("notificationEmail")}>
        <label htmlFor="f-notificationEmail">{t("settings.general.notificationEmail")}</label>
        <input
          id="f-notificationEmail"
          type="email"
          value={email}
          aria-invalid={invalid("notificationEmail")}
          aria-describedby={described("notificationEmail")}
          onChange={(e) => setEmail(e.target.value)}
          onBlur={saveEmail}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              saveEmail();
            }
          }}
        />
        <Changed show={changed("notificationEmail")} />
        {err("notificationEmail")}
      </div>
      <div className={wrap("language")}>
        <label htmlFor="f-language">{t("settings.general.language")}</label>
        <select
          id="f-language"
          value={v.language}
          aria-invalid={invalid("language")}
          aria-describedby={described("language")}
          onChange={(e) => isLanguage(e.target.value) && onChange({ language: e.target.value })}
        >
          {LANGUAGES.map((language) => (
            <option key={language} value={language} lang={language}>
              {LANGUAGE_NAMES[language]}
            </option>
          ))}
        </select>
        <Changed show={changed("language")} />
        {err("language")}
      </div>
    </div>
  );
}
