/** One region's Selling Partner API connection: stored values, pending token, the ⋯ menu and the test result. */
import { useId, useState } from "react";
import { Link } from "react-router";
import { errorMessage, type Schemas } from "../../api/client";
import type { Region } from "../../api/queries";
import { Menu, type MenuItem } from "../../components/Menu";
import { SourceNote } from "../../components/SourceNote";
import { StatusBadge } from "../../components/StatusBadge";
import {
  daysText,
  formatDate,
  formatDateTime,
  formatTime,
  lastCheckText,
  VERDICT_TEXT,
} from "../../lib/format";
import type { Me } from "../../lib/useMe";
import { marketplaceName } from "./GeneralPanel";
import type { Draft, Settings } from "./fields";

export const REGION_NAMES: Record<Region, string> = { NA: "North America", EU: "Europe", FE: "Far East" };

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
    ? `${settings.company.code} uses ${owner.code}'s account: get the token on ${owner.code}`
    : !me.isAdmin
      ? "Only admins can get a token."
      : !draft
        ? "Click Edit first"
        : undefined;
  const items: MenuItem[] = [
    {
      kind: "action",
      label: "Get Selling Partner API token",
      disabled: getReason !== undefined || props.tokenStarting,
      note: getReason,
      onSelect: () => props.onGetToken(region, chosen),
    },
  ];
  if (!isOwner)
    items.push({ kind: "link", label: `Open ${owner.code}`, to: `/companies/${owner.id}/amazon` });
  const notConnected = !connection || connection.status === "not_connected";
  const refreshReason = !me.canTest
    ? "Only support and admins can test a connection."
    : notConnected && !grant
      ? "Not connected: get a token first"
      : draft
        ? "Save or Cancel your draft first"
        : undefined;
  items.push({
    kind: "action",
    label: "Refresh Selling Partner API Access Token",
    disabled: refreshReason !== undefined || test?.pending === true,
    note: refreshReason,
    onSelect: () => props.onRefresh(region),
  });

  return (
    <section className="panel credentials-panel" aria-label={`${region} credentials`}>
      <div className="panel-head">
        <h2>
          {region} credentials <span className="muted">— {REGION_NAMES[region]}</span>
        </h2>
        {me.role !== "viewer" && (
          <Menu label={`${region} actions`} className="region-menu" items={items}>
            <span aria-hidden="true">⋯</span>
          </Menu>
        )}
      </div>
      {!connection ? (
        <p className="muted">No information for this region.</p>
      ) : (
        <>
          <p className="source-line">
            Values: <SourceNote source={connection.source} />
          </p>
          <dl className="kv">
            <Field label="Status">
              <StatusBadge status={connection.status} daysLeft={connection.daysLeft} />
            </Field>
            <Field label="Seller ID">{connection.sellingPartnerId ?? "—"}</Field>
            <Field label="Token">{connection.tokenFingerprint ?? "—"}</Field>
            <Field label="Authorized on">{formatDate(connection.authorizedAt)}</Field>
            <Field label="Authorization expires on">
              {formatDate(connection.authorizationExpiresAt)}
              {connection.daysLeft != null && ` (${daysText(connection.daysLeft)})`}
            </Field>
            <Field label="Access token expires at">{formatDateTime(connection.accessTokenExpiresAt)}</Field>
            <Field label="Last checked">{formatDateTime(connection.lastCheckedAt)}</Field>
            <Field label="Last error">
              {connection.lastErrorCode
                ? lastErrorText(connection.lastErrorCode, connection.lastErrorMessage, region, central)
                : "none"}
            </Field>
            <Field label="Marketplaces Amazon reports">
              {connection.marketplacesSeen?.length
                ? connection.marketplacesSeen.map((id) => marketplaceName(marketplaces, id)).join(", ")
                : "—"}
            </Field>
          </dl>
        </>
      )}
      {choosesCountry && (
        <div className="country-choice">
          <label htmlFor={countryId}>
            {central} country for {region}
          </label>{" "}
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
            Get Selling Partner API token opens the {central} of this country.
          </p>
        </div>
      )}
      {inProgress && !grant && (
        <p className="notice">
          Waiting for Amazon: consent for {region} started at {formatDateTime(inProgress.startedAt)} (valid
          until {formatDateTime(inProgress.expiresAt)}).
        </p>
      )}
      {grant && (
        <div className="notice notice-token">
          <p>
            New token for {region} (seller {grant.sellingPartnerId}) received — Save to store it
          </p>
          {grant.sellerChanged && (
            <div className="warning">
              <p>
                This token belongs to a different seller account ({grant.sellingPartnerId}) than the stored
                one ({connection?.sellingPartnerId ?? "none"}).
              </p>
              <label className="checkbox-label">
                <input
                  type="checkbox"
                  checked={props.confirmed}
                  onChange={(e) => props.onConfirm(e.target.checked)}
                />
                I confirm the new seller account for {region}
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
                  Save this token for {region} anyway
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
          Tokens for {settings.company.code} come from{" "}
          <Link to={`/companies/${owner.id}/amazon`}>{owner.code}</Link>.
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

const ERROR_TITLES: Record<string, string> = {
  ...VERDICT_TEXT,
  marketplace_not_authorized: "Marketplace not covered by the authorization",
};

/** What to do about a connection's last error, by its code. */
function errorAction(code: string, region: Region, central: string): string | undefined {
  switch (code) {
    case "reauthorization_required":
    case "token_unreadable":
      return `Get Selling Partner API token for ${region} again, then Save.`;
    case "wrong_region_or_role":
      return `Get the token again, logging in to ${central} for ${region}.`;
    case "app_credentials_invalid":
      return "An admin must fix the app credentials.";
    case "amazon_unavailable":
      return "Nothing to fix here: test again in a few minutes.";
    default:
      return undefined;
  }
}

/** The stored last error in plain words with the action, never its code. */
function lastErrorText(code: string, message: string | null | undefined, region: Region, central: string) {
  const title = ERROR_TITLES[code] ?? "Error";
  const action = errorAction(code, region, central);
  return [`${title}${message ? `: ${message}` : ""}`, action]
    .filter(Boolean)
    .map((part) => (/[.!?]$/.test(part!) ? part : `${part}.`))
    .join(" ");
}

function TestResult({ test, companyId }: { test: TestState; companyId: number }) {
  if (test.pending) {
    return (
      <div className="test-result" role="status">
        Testing the {test.region} connection…
      </div>
    );
  }
  if ("error" in test) {
    return (
      <div className="error-box" role="alert">
        The test could not run: {errorMessage(test.error)}
      </div>
    );
  }
  const r = test.result;
  return (
    <div className={`test-result verdict-${r.verdict}`} role="status">
      <p className="verdict">
        <strong>{VERDICT_TEXT[r.verdict]}</strong>
        {r.ranOnOwner && r.ranOn.id !== companyId && (
          <span>
            {" "}
            — ran on <Link to={`/companies/${r.ranOn.id}/amazon`}>{r.ranOn.code}</Link>
          </span>
        )}
      </p>
      <p>{r.message}</p>
      {r.action && (
        <p>
          <strong>What to do:</strong> {r.action}
        </p>
      )}
      {r.accessTokenExpiresAt && (
        <p>New access token valid until {formatDateTime(r.accessTokenExpiresAt)}.</p>
      )}
      {r.warnings?.map((w) => (
        <p key={w} className="warning-text">
          {w}
        </p>
      ))}
      {r.verdict === "quota_exhausted" ? (
        <QuotaDetails result={r} />
      ) : (
        <p className="muted">Tested at {formatDateTime(r.checkedAt)}.</p>
      )}
    </div>
  );
}

/** The test did not run: when it can, and what the connection's last real check said meanwhile. */
function QuotaDetails({ result }: { result: Schemas["ConnectionTest"] }) {
  const last = result.lastResult;
  return (
    <>
      {result.nextTestAt && (
        <p>
          <strong>Next test possible at {formatTime(result.nextTestAt)}.</strong>
        </p>
      )}
      <p>
        Last result:{" "}
        {last ? (
          <>
            {lastCheckText(last)}, tested {formatDateTime(last.checkedAt)}
            {last.result !== "ok" && last.errorMessage && <> ({last.errorMessage})</>}.
          </>
        ) : (
          "none yet."
        )}
      </p>
      <p className="muted">Asked at {formatDateTime(result.checkedAt)}.</p>
    </>
  );
}
