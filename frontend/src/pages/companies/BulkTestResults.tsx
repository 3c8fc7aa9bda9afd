/** An ended bulk test's results, page by page (or its failures only), and the link to download them as CSV. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Schemas } from "../../api/client";
import { BULK_RESULTS_PAGE_SIZE, bulkTestCsvUrl, bulkTestResultsQuery } from "../../api/health";
import { Pager } from "../../components/Pager";
import { Empty, ErrorBox, Loading } from "../../components/QueryState";

type Result = Schemas["BulkTestResult"];

/** A verdict that needs no one: the connection works. Anything else (or nothing yet) is shown as such. */
const verdictClass = (result: Result) =>
  result.verdict == null ? "verdict-none" : result.verdict === "ok" ? "verdict-good" : "verdict-bad";

export function BulkTestResults({ run }: { run: Schemas["BulkTestView"] }) {
  const { t } = useTranslation();
  const [failuresOnly, setFailuresOnly] = useState(false);
  const [offset, setOffset] = useState(0);
  const results = useQuery({
    ...bulkTestResultsQuery(run.id, failuresOnly, offset),
    placeholderData: keepPreviousData,
  });

  let body;
  if (results.isPending) body = <Loading text={t("bulk.results.loading")} />;
  else if (results.isError) body = <ErrorBox error={results.error} onRetry={() => void results.refetch()} />;
  else if (results.data.items.length === 0)
    body = <Empty>{failuresOnly ? t("bulk.results.noFailures") : t("bulk.results.none")}</Empty>;
  else {
    const page = results.data;
    body = (
      <>
        <table className="data-table bulk-results">
          <caption className="visually-hidden">
            {failuresOnly
              ? t("bulk.results.captionFailures", { id: run.id })
              : t("bulk.results.caption", { id: run.id })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t("bulk.results.company")}</th>
              <th scope="col">{t("bulk.results.region")}</th>
              <th scope="col">{t("bulk.results.verdict")}</th>
              <th scope="col">{t("bulk.results.action")}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((r) => (
              <tr key={`${r.companyCode}-${r.region}`}>
                <td>
                  {r.companyId != null ? (
                    <Link to={`/companies/${r.companyId}/amazon`} className="company-code">
                      {r.companyCode}
                    </Link>
                  ) : (
                    <span className="company-code">{r.companyCode}</span>
                  )}
                </td>
                <td>{r.region}</td>
                <td>
                  <span className={`verdict-text ${verdictClass(r)}`}>{r.verdictText}</span>
                  {r.message && r.verdict !== "ok" && (
                    <span className="muted small-text block">{r.message}</span>
                  )}
                </td>
                <td>{r.action ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager
          offset={page.offset}
          shown={page.items.length}
          total={page.total}
          pageSize={BULK_RESULTS_PAGE_SIZE}
          onOffset={setOffset}
          previousLabel={t("pager.previous")}
          nextLabel={t("pager.next")}
          label={t("bulk.results.pages", { id: run.id })}
        />
      </>
    );
  }
  return (
    <div className="bulk-results-area">
      <div className="bulk-results-tools">
        <button
          type="button"
          aria-pressed={failuresOnly}
          onClick={() => {
            setFailuresOnly(!failuresOnly);
            setOffset(0);
          }}
        >
          {t("bulk.results.failuresOnly")}
        </button>
        <a href={bulkTestCsvUrl(run.id)} download>
          {t("bulk.results.csv")}
        </a>
      </div>
      {body}
    </div>
  );
}
