/** The General panel: values with their source in view mode; inputs with changed marks and errors in edit mode. */
import { useState, type ReactNode } from "react";
import { Link } from "react-router";
import type { Schemas } from "../../api/client";
import { REGIONS } from "../../api/queries";
import { SourceNote } from "../../components/SourceNote";
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

const onOff = (value: boolean) => (value ? "On" : "Off");

export function marketplaceName(catalogue: Marketplace[], id: string): string {
  const known = catalogue.find((m) => m.id === id);
  return known ? `${known.name} (${known.countryCode})` : id;
}

export function GeneralPanel(props: Props) {
  return (
    <section className="panel" aria-labelledby="general-title">
      <h2 id="general-title">General</h2>
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
  const s = settings;
  return (
    <dl className="kv">
      <Row label="Amazon account">
        {s.accountOwner.id === s.company.id ? (
          "own account"
        ) : (
          <>
            uses <Link to={`/companies/${s.accountOwner.id}/amazon`}>{s.accountOwner.code}</Link>'s account
            (unified)
          </>
        )}
      </Row>
      <Row label="Enabled" source={<SourceNote source={s.enabled.source} />}>
        {s.enabled.value ? "Yes" : "No"}
      </Row>
      <Row label="Account type" source={<SourceNote source={s.accountType.source} />}>
        {s.accountType.value === "seller" ? "Seller (Seller Central)" : "Vendor (Vendor Central)"}
      </Row>
      <Row label="Marketplaces" source={<SourceNote source={s.marketplaceIds.source} />}>
        {s.marketplaceIds.value.length
          ? s.marketplaceIds.value.map((id) => marketplaceName(marketplaces, id)).join(", ")
          : "none"}
      </Row>
      <Row label="Order import" source={<SourceNote source={s.orderImportEnabled.source} />}>
        {onOff(s.orderImportEnabled.value)}
      </Row>
      <Row label="Inventory sync" source={<SourceNote source={s.inventorySyncEnabled.source} />}>
        {onOff(s.inventorySyncEnabled.value)}
      </Row>
      <Row label="Price sync" source={<SourceNote source={s.priceSyncEnabled.source} />}>
        {onOff(s.priceSyncEnabled.value)}
      </Row>
      <Row label="Notification e-mail" source={<SourceNote source={s.notificationEmail.source} />}>
        {s.notificationEmail.value ?? "none"}
      </Row>
    </dl>
  );
}

function GeneralEditor({ settings, draft, marketplaces, errors, onChange: send }: Props & { draft: Draft }) {
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
      {toggle("enabled", "Enabled")}
      <div className={wrap("accountType")}>
        <label htmlFor="f-accountType">Account type</label>
        <select
          id="f-accountType"
          value={v.accountType}
          disabled={!isOwner}
          aria-describedby={described("accountType") ?? (isOwner ? undefined : "accountType-note")}
          onChange={(e) => onChange({ accountType: e.target.value as "seller" | "vendor" })}
        >
          <option value="seller">Seller (Seller Central)</option>
          <option value="vendor">Vendor (Vendor Central)</option>
        </select>
        {!isOwner && (
          <span className="hint" id="accountType-note">
            inherited from {v.accountOwner.code}: change it on{" "}
            <Link to={`/companies/${v.accountOwner.id}/amazon`}>{v.accountOwner.code}</Link>
          </span>
        )}
        <Changed show={changed("accountType")} />
        {err("accountType")}
      </div>
      <fieldset className={wrap("marketplaceIds")} aria-describedby={described("marketplaceIds")}>
        <legend>
          Marketplaces <Changed show={changed("marketplaceIds")} />
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
      {toggle("orderImportEnabled", "Order import")}
      {toggle("inventorySyncEnabled", "Inventory sync")}
      {toggle("priceSyncEnabled", "Price sync")}
      <div className={wrap("notificationEmail")}>
        <label htmlFor="f-notificationEmail">Notification e-mail</label>
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
    </div>
  );
}
