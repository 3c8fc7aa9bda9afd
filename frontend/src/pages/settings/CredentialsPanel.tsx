/** One region's Selling Partner API connection: stored values, pending token, the ⋯ menu and the test result. */
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
  onGetToken: (region: Region) => void;
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
      onSelect: () => props.onGetToken(region),
    },
  ];
  if (!isOwner)
    items.push({ kind: "link", label: `Open ${owner.code}`, to: `/companies/${owner.id}/amazon` });
  const refreshReason = !me.canTest
    ? "Only support and admins can test a connection."
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
                ? `${connection.lastErrorCode}${connection.lastErrorMessage ? `: ${connection.lastErrorMessage}` : ""}`
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
