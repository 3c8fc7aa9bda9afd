/** The filter bar above the tree: the server's counts of what needs action, each a toggle, and a region choice. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { REGIONS, type Region } from "../../api/companies";
import { statusCountsQuery } from "../../api/health";
import { ErrorBox, Loading } from "../../components/QueryState";
import { SWEEP_FILTERS, countOf, isFiltered, type Sweep } from "./sweep";

export function NeedsActionBar({ sweep, onChange }: { sweep: Sweep; onChange: (next: Sweep) => void }) {
  const { t } = useTranslation();
  const counts = useQuery(statusCountsQuery(sweep.region));
  return (
    <section className="panel sweep-bar" aria-labelledby="sweep-title">
      <div className="panel-head">
        <h2 id="sweep-title">{t("sweep.bar.title")}</h2>
        <div className="search">
          <label htmlFor="sweep-region">{t("sweep.bar.region")}</label>
          <select
            id="sweep-region"
            value={sweep.region ?? ""}
            onChange={(e) =>
              onChange({ ...sweep, region: (e.target.value || undefined) as Region | undefined })
            }
          >
            <option value="">{t("sweep.bar.allRegions")}</option>
            {REGIONS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
      </div>
      {counts.isPending ? (
        <Loading text={t("sweep.bar.loading")} />
      ) : counts.isError ? (
        <ErrorBox
          title={t("sweep.bar.notLoaded")}
          error={counts.error}
          onRetry={() => void counts.refetch()}
        />
      ) : (
        <div className="sweep-filters" role="group" aria-label={t("sweep.bar.filters")}>
          {SWEEP_FILTERS.map((filter) => {
            const count = countOf(filter, counts.data);
            const pressed = sweep.key === filter.key;
            return (
              <button
                key={filter.key}
                type="button"
                className={`sweep-filter${count === 0 ? " zero" : ""}${filter.key === "needs-action" ? " all" : ""}`}
                aria-pressed={pressed}
                // Nothing to show at zero; a filter that is on (from a link) can still be switched off.
                disabled={count === 0 && !pressed}
                onClick={() => onChange({ ...sweep, key: pressed ? undefined : filter.key })}
              >
                {filter.label(count)}
              </button>
            );
          })}
          {isFiltered(sweep) && (
            <button type="button" className="link-button" onClick={() => onChange({})}>
              {t("sweep.bar.clear")}
            </button>
          )}
        </div>
      )}
      <p className="hint sweep-scope">
        {sweep.region
          ? t("sweep.bar.scopeInRegion", { region: sweep.region })
          : t("sweep.bar.scopeEveryRegion")}
      </p>
    </section>
  );
}
