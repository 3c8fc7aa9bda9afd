/** The companies whose code or name matches a search, as a flat list (each with its parent), page by page. */
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { companyPagesQuery } from "../../api/companies";
import { Empty, ErrorBox, Loading } from "../../components/QueryState";
import { CompanyRow, CompanyTable, ShowMore, WideRow, pageItems } from "./CompanyTree";

export function CompanySearchResults({ q }: { q: string }) {
  const { t } = useTranslation();
  const list = useInfiniteQuery({ ...companyPagesQuery({ q }), placeholderData: keepPreviousData });
  if (list.isPending) return <Loading text={t("companies.tree.loading")} />;
  if (!list.data) {
    return <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  }
  const items = pageItems(list.data.pages);
  const total = list.data.pages.at(-1)?.total ?? items.length;
  if (items.length === 0) return <Empty>{t("picker.noMatch", { query: q })}</Empty>;
  return (
    <>
      <p className="muted" role="status">
        {t("companies.search.matches", { count: total, query: q })}
      </p>
      <CompanyTable caption={t("companies.search.caption", { query: q })}>
        {items.map((company) => (
          <CompanyRow
            key={company.id}
            company={company}
            note={
              <span className="muted parent-note">
                {company.parent
                  ? t("companies.search.under", { code: company.parent.code })
                  : t("companies.search.topLevel")}
              </span>
            }
          />
        ))}
        {list.hasNextPage && (
          <WideRow>
            <ShowMore
              shown={items.length}
              total={total}
              loading={list.isFetchingNextPage}
              onMore={() => void list.fetchNextPage()}
            />
          </WideRow>
        )}
        {list.isFetchNextPageError && (
          <WideRow>
            <ErrorBox error={list.error} onRetry={() => void list.fetchNextPage()} />
          </WideRow>
        )}
      </CompanyTable>
    </>
  );
}
