/** Company → Amazon General Settings: view mode, and Edit → Save/Cancel through a server-side draft (?edit=<id>). */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { ApiError } from "../../api/client";
import { REGIONS } from "../../api/companies";
import { marketplacesQuery, settingsQuery } from "../../api/settings";
import { ErrorBox, Loading } from "../../components/QueryState";
import { useMe } from "../../lib/useMe";
import { NotFoundPage } from "../NotFoundPage";
import { CompanyHeader } from "./CompanyHeader";
import { CredentialsPanel } from "./CredentialsPanel";
import { DraftNotices } from "./DraftNotices";
import { EditActions, LeaveWarning } from "./EditActions";
import { errorFor } from "./fields";
import { GeneralPanel } from "./GeneralPanel";
import { useConnectionTests } from "./useConnectionTests";
import { useSettingsDraft } from "./useSettingsDraft";
import { useTokenFlow } from "./useTokenFlow";
import { useUnsavedWarning } from "./useUnsavedWarning";

export function SettingsPage() {
  const companyId = Number(useParams().companyId);
  if (!Number.isInteger(companyId) || companyId < 1) return <NotFoundPage />;
  return <Settings key={companyId} companyId={companyId} />;
}

function Settings({ companyId }: { companyId: number }) {
  const { t } = useTranslation();
  const me = useMe();
  const settings = useQuery(settingsQuery(companyId));
  const marketplaces = useQuery(marketplacesQuery);
  const editing = useSettingsDraft(companyId);
  const tests = useConnectionTests(companyId);
  const { blocker, leaveOnPurpose } = useUnsavedWarning(editing.dirty);
  const token = useTokenFlow(editing.draft?.id ?? null, leaveOnPurpose);

  if (settings.isPending) return <Loading text={t("settings.loading")} />;
  if (settings.isError) {
    if (settings.error instanceof ApiError && settings.error.status === 404) return <NotFoundPage />;
    return (
      <>
        <h1>{t("settings.title")}</h1>
        <ErrorBox error={settings.error} onRetry={() => void settings.refetch()} />
      </>
    );
  }
  const s = settings.data;
  const { draft, errors, pendingRegions } = editing;
  const sellerChangeError = errorFor(errors, "confirmSellerChange") ?? null;
  const verdictError = errorFor(errors, "confirmGrantVerdict") ?? null;

  return (
    <>
      <CompanyHeader settings={s} tab="settings" showAudit={me.canSeeAudit}>
        <EditActions
          editing={editing}
          canEdit={me.isAdmin}
          onBegin={() => editing.begin.mutate(undefined, { onSuccess: tests.clear })}
        />
      </CompanyHeader>
      <DraftNotices editing={editing} token={token} settings={s} isAdmin={me.isAdmin} />
      <div className="settings-grid">
        <GeneralPanel
          settings={s}
          draft={draft}
          marketplaces={marketplaces.data ?? []}
          errors={errors}
          onChange={(changes) => editing.change.mutateAsync(changes).then(() => undefined)}
        />
        <div className="credentials-column">
          {REGIONS.map((region) => (
            <CredentialsPanel
              key={region}
              region={region}
              settings={s}
              draft={draft}
              me={me}
              marketplaces={marketplaces.data ?? []}
              test={tests.resultFor(region)}
              confirmed={editing.confirmed.includes(region)}
              onConfirm={(yes) => editing.confirm(region, yes)}
              verdictConfirmed={editing.verdictConfirmed.includes(region)}
              onConfirmVerdict={(yes) => editing.confirmVerdict(region, yes)}
              onGetToken={token.start}
              onRefresh={tests.run}
              tokenStarting={token.starting === region}
              tokenError={
                token.error?.region === region
                  ? token.error.message
                  : sellerChangeError && pendingRegions.includes(region)
                    ? sellerChangeError
                    : verdictError && pendingRegions.includes(region)
                      ? verdictError
                      : null
              }
            />
          ))}
        </div>
      </div>
      <LeaveWarning blocker={blocker} pendingRegions={pendingRegions} />
    </>
  );
}
