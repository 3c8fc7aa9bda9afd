/** One region's Selling Partner API connection: stored values, pending token, the ⋯ menu and the test result. */
import i18n from "i18next";
import { useId, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import { errorMessage, type Schemas } from "../../api/client";
import type { Region } from "../../api/companies";
import { Menu, type MenuItem } from "../../components/Menu";
import { SourceNote } from "../../components/SourceNote";
import { StatusBadge } from "../../components/StatusBadge";
import {
  daysText,
  formatDate,
  formatDateTime,
  formatTime,
  isVerdict,
  lastCheckText,
  verdictText,
} from "../../lib/format";
import type { Me } from "../../lib/useMe";
import { ConsentLinkPanel } from "./ConsentLinkPanel";
import { marketplaceName } from "./GeneralPanel";
import type { Draft, Settings } from "./fields";

const REGION_KEYS = {
  NA: "credentials.regionName.NA",
  EU: "credentials.regionName.EU",
  FE: "credentials.regionName.FE",
} as const satisfies Record<Region, string>;

/** "North America" for NA, in the page's language. */
export function regionName(region: Region): string {
  return i18n.t(REGION_KEYS[region]);
}

export type TestState =
  | { region: Region; pending: true }
  | { region: Region; pending: false; result: Schemas["ConnectionTest"] }
  | { region: Region; pending: false; error: unknown };

type Props = {
  region: Region;
  settings: Settings;
  draft: Draft | null;
  me: Me;
  marketplaces: Schemas["MarketplaceInfo"][];
  test: TestState | null;
  confirmed: boolean;
  onConfirm: (confirmed: boolean) => void;
  /** The user saves a token Amazon's test doubts (wrong region or role, none of the marketplaces) on purpose. */
  verdictConfirmed: boolean;
  onConfirmVerdict: (confirmed: boolean) => void;
  /** `marketplaceId`: the country whose Seller (Vendor) Central the partner logs in to; left out, the server picks. */
  onGetToken: (region: Region, marketplaceId?: string) => void;
  onRefresh: (region: Region) => void;
  tokenStarting: boolean;
  tokenError: string | null;
};

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="kv-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function CredentialsPanel(props: Props) {
  const { t } = useTranslation();
  const { region, settings, draft, me, marketplaces, test } = props;
  const connection = settings.connections.find((c) => c.region === region);
  const grant = draft?.pendingGrants.find((g) => g.region === region);
  const inProgress = draft?.authorizationsInProgress.find((a) => a.region === region);
  const owner = draft ? draft.values.accountOwner : settings.accountOwner;
  const isOwner = owner.id === settings.company.id;
  const accountType = draft ? draft.values.accountType : settings.accountType.value;
  const central = accountType === "vendor" ? "Vendor Central" : "Seller Central";
  const inRegion = marketplaces.filter((m) => m.region === region);
  const configuredHere = (draft ? draft.values.marketplaceIds : settings.marketplaceIds.value).some((id) =>
    inRegion.some((m) => m.id === id),
  );
  // Without a marketplace in the region yet (one can be set only once it is connected), the user says which
  // country's Central site to log in to: an Australian seller must not land on Japan's.
  const choosesCountry = Boolean(draft) && isOwner && me.isAdmin && !configuredHere && inRegion.length > 0;
  const [country, setCountry] = useState<string | null>(null);
  const countryId = useId();
  // Until the user picks one (and while the catalogue loads): the region's main site, as the server would.
  const selected = inRegion.some((m) => m.id === country)
    ? country!
    : (inRegion.find((m) => m.id === MAIN_MARKETPLACE[region]) ?? inRegion[0])?.id;
  const chosen = choosesCountry ? selected : undefined;

  const getReason = !isOwner
    ? t("credentials.reason.usesOwner", { code: settings.company.code, owner: owner.code })
    : !me.isAdmin
      ? t("credentials.reason.onlyAdmins")
      : !draft
        ? t("credentials.reason.editFirst")
        : undefined;
  const items: MenuItem[] = [
    {
      kind: "action",
      label: t("credentials.getToken"),
      disabled: getReason !== undefined || props.tokenStarting,
      note: getReason,
      onSelect: () => props.onGetToken(region, chosen),
    },
  ];
  if (!isOwner)
    items.push({
      kind: "link",
      label: t("notifications.open", { code: owner.code }),
      to: `/companies/${owner.id}/amazon`,
    });
  const notConnected = !connection || connection.status === "not_connected";
  const refreshReason = !me.canTest
    ? t("credentials.reason.onlySupport")
    : notConnected && !grant
      ? t("credentials.reason.notConnected")
      : draft
        ? t("credentials.reason.draftOpen")
        : undefined;
  items.push({
    kind: "action",
    label: t("credentials.refreshToken"),
    disabled: refreshReason !== undefined || test?.pending === true,
    note: refreshReason,
    onSelect: () => props.onRefresh(region),
  });

  return (
    <section className="panel credentials-panel" aria-label={t("credentials.panel", { region })}>
      <div className="panel-head">
        <h2>
          {t("credentials.panel", { region })} <span className="muted">— {regionName(region)}</span>
        </h2>
        {me.role !== "viewer" && (
          <Menu label={t("credentials.actions", { region })} className="region-menu" items={items}>
            <span aria-hidden="true">⋯</span>
          </Menu>
        )}
      </div>
      {!connection ? (
        <p className="muted">{t("credentials.noInformation")}</p>
      ) : (
        <>
          <p className="source-line">
            {t("credentials.values")} <SourceNote source={connection.source} />
          </p>
          <dl className="kv">
            <Field label={t("credentials.status")}>
              <StatusBadge status={connection.status} daysLeft={connection.daysLeft} />
            </Field>
            <Field label={t("credentials.sellerId")}>{connection.sellingPartnerId ?? "—"}</Field>
            <Field label={t("credentials.token")}>{connection.tokenFingerprint ?? "—"}</Field>
            <Field label={t("credentials.authorizedOn")}>{formatDate(connection.authorizedAt)}</Field>
            <Field label={t("credentials.expiresOn")}>
              {formatDate(connection.authorizationExpiresAt)}
              {connection.daysLeft != null && ` (${daysText(connection.daysLeft)})`}
            </Field>
            <Field label={t("credentials.accessTokenExpires")}>
              {formatDateTime(connection.accessTokenExpiresAt)}
            </Field>
            <Field label={t("credentials.lastChecked")}>{formatDateTime(connection.lastCheckedAt)}</Field>
            <Field label={t("credentials.lastError")}>
              {connection.lastErrorCode
                ? lastErrorText(connection.lastErrorCode, connection.lastErrorMessage, region, central)
                : t("credentials.noError")}
            </Field>
            <Field label={t("credentials.marketplacesSeen")}>
              {connection.marketplacesSeen?.length
                ? connection.marketplacesSeen.map((id) => marketplaceName(marketplaces, id)).join(", ")
                : "—"}
            </Field>
          </dl>
        </>
      )}
      {choosesCountry && (
        <div className="country-choice">
          <label htmlFor={countryId}>{t("credentials.country", { central, region })}</label>{" "}
          <select
            id={countryId}
            value={selected}
            onChange={(e) => setCountry(e.target.value)}
            aria-describedby={`${countryId}-hint`}
          >
            {inRegion.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
          <p className="hint" id={`${countryId}-hint`}>
            {t("credentials.countryHint", { central })}
          </p>
        </div>
      )}
      {draft && isOwner && me.isAdmin && (
        <ConsentLinkPanel region={region} draft={draft} central={central} marketplaceId={chosen} />
      )}
      {inProgress && !grant && (
        <p className="notice">
          {t("credentials.waiting", {
            region,
            started: formatDateTime(inProgress.startedAt),
            until: formatDateTime(inProgress.expiresAt),
          })}
        </p>
      )}
      {grant && (
        <div className="notice notice-token">
          <p>{t("credentials.newToken", { region, seller: grant.sellingPartnerId })}</p>
          {grant.sellerChanged && (
            <div className="warning">
              <p>
                {t("credentials.sellerChanged", {
                  seller: grant.sellingPartnerId,
                  stored: connection?.sellingPartnerId ?? t("credentials.noStoredSeller"),
                })}
              </p>
              <label className="checkbox-label">
                <input
                  type="checkbox"
                  checked={props.confirmed}
                  onChange={(e) => props.onConfirm(e.target.checked)}
                />
                {t("credentials.confirmSeller", { region })}
              </label>
            </div>
          )}
          {grant.verdict &&
            (grant.verdict.needsConfirmation ? (
              <div className="warning">
                <p>{grant.verdict.message}</p>
                <label className="checkbox-label">
                  <input
                    type="checkbox"
                    checked={props.verdictConfirmed}
                    onChange={(e) => props.onConfirmVerdict(e.target.checked)}
                  />
                  {t("credentials.saveAnyway", { region })}
                </label>
              </div>
            ) : (
              <p className={grant.verdict.kind === "untested" ? "warning-text" : undefined}>
                {grant.verdict.message}
              </p>
            ))}
        </div>
      )}
      {props.tokenError && (
        <p className="error-box" role="alert">
          {props.tokenError}
        </p>
      )}
      {test && <TestResult test={test} companyId={settings.company.id} />}
      {!isOwner && draft && (
        <p className="hint">
          <Trans
            i18nKey="credentials.tokensFrom"
            values={{ code: settings.company.code, owner: owner.code }}
            components={{ a: <Link to={`/companies/${owner.id}/amazon`} /> }}
          />
        </p>
      )}
    </section>
  );
}

/** The region's main Seller (Vendor) Central, as the server picks it when no country is named. */
const MAIN_MARKETPLACE: Record<Region, string> = {
  NA: "ATVPDKIKX0DER",
  EU: "A1F83G8C2ARO7P",
  FE: "A1VC38T7YXB528",
};

/** A stored error code as a title, in the words of the test verdicts. */
function errorTitle(code: string): string {
  if (isVerdict(code)) return verdictText(code);
  if (code === "marketplace_not_authorized") return i18n.t("credentials.error.marketplaceNotAuthorized");
  return i18n.t("verdict.error");
}

/** What to do about a connection's last error, by its code. */
function errorAction(code: string, region: Region, central: string): string | undefined {
  switch (code) {
    case "reauthorization_required":
    case "token_unreadable":
      return i18n.t("credentials.error.getTokenAgain", { region });
    case "wrong_region_or_role":
      return i18n.t("credentials.error.otherCentral", { region, central });
    case "app_credentials_invalid":
      return i18n.t("credentials.error.fixCredentials");
    case "amazon_unavailable":
      return i18n.t("credentials.error.testLater");
    default:
      return undefined;
  }
}

/** The stored last error in plain words with the action, never its code. */
function lastErrorText(code: string, message: string | null | undefined, region: Region, central: string) {
  const title = errorTitle(code);
  const action = errorAction(code, region, central);
  return [message ? i18n.t("credentials.error.withMessage", { title, message }) : title, action]
    .filter(Boolean)
    .map((part) => (/[.!?]$/.test(part!) ? part : `${part}.`))
    .join(" ");
}

function TestResult({ test, companyId }: { test: TestState; companyId: number }) {
  const { t } = useTranslation();
  if (test.pending) {
    return (
      <div className="test-result" role="status">
        {t("credentials.test.testing", { region: test.region })}
      </div>
    );
  }
  if ("error" in test) {
    return (
      <div className="error-box" role="alert">
        {t("credentials.test.couldNotRun", { message: errorMessage(test.error) })}
      </div>
    );
  }
  const r = test.result;
  return (
    <div className={`test-result verdict-${r.verdict}`} role="status">
      <p className="verdict">
        <strong>{verdictText(r.verdict)}</strong>
        {r.ranOnOwner && r.ranOn.id !== companyId && (
          <span>
            {" "}
            <Trans
              i18nKey="credentials.test.ranOn"
              values={{ code: r.ranOn.code }}
              components={{ a: <Link to={`/companies/${r.ranOn.id}/amazon`} /> }}
            />
          </span>
        )}
      </p>
      <p>{r.message}</p>
      {r.action && (
        <p>
          <strong>{t("credentials.test.whatToDo")}</strong> {r.action}
        </p>
      )}
      {r.accessTokenExpiresAt && (
        <p>{t("credentials.test.newAccessToken", { until: formatDateTime(r.accessTokenExpiresAt) })}</p>
      )}
      {r.warnings?.map((w) => (
        <p key={w} className="warning-text">
          {w}
        </p>
      ))}
      {r.verdict === "quota_exhausted" ? (
        <QuotaDetails result={r} />
      ) : (
        <p className="muted">{t("credentials.test.testedAt", { when: formatDateTime(r.checkedAt) })}</p>
      )}
    </div>
  );
}

/** The test did not run: when it can, and what the connection's last real check said meanwhile. */
function QuotaDetails({ result }: { result: Schemas["ConnectionTest"] }) {
  const { t } = useTranslation();
  const last = result.lastResult;
  const lastValues = last && {
    verdict: lastCheckText(last),
    when: formatDateTime(last.checkedAt),
    message: last.errorMessage ?? "",
  };
  return (
    <>
      {result.nextTestAt && (
        <p>
          <strong>{t("credentials.test.nextTest", { when: formatTime(result.nextTestAt) })}</strong>
        </p>
      )}
      <p>
        {!last || !lastValues
          ? t("credentials.test.lastNone")
          : last.result !== "ok" && last.errorMessage
            ? t("credentials.test.lastWithMessage", lastValues)
            : t("credentials.test.last", lastValues)}
      </p>
      <p className="muted">{t("credentials.test.askedAt", { when: formatDateTime(result.checkedAt) })}</p>
    </>
  );
}
