/** The companies whose code or name matches a search, as a flat list (each with its parent), page by page. */
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { companyPagesQuery } from "../../api/queries";
import { Empty, ErrorBox, Loading } from "../../components/QueryState";
import { formatCount } from "../../lib/format";
import { CompanyRow, CompanyTable, ShowMore, WideRow, pageItems } from "./CompanyTree";

export function CompanySearchResults({ q }: { q: string }) {
  const list = useInfiniteQuery({ ...companyPagesQuery({ q }), placeholderData: keepPreviousData });
  if (list.isPending) return <Loading what="companies" />;
  if (!list.data) {
    return <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  }
  const items = pageItems(list.data.pages);
  const total = list.data.pages.at(-1)?.total ?? items.length;
  if (items.length === 0) return <Empty>No company matches “{q}”.</Empty>;
  return (
    <>
      <p className="muted" role="status">
        {formatCount(total)} {total === 1 ? "company matches" : "companies match"} “{q}”.
      </p>
      <CompanyTable caption={`Companies matching “${q}”`}>
        {items.map((company) => (
          <CompanyRow
            key={company.id}
            company={company}
            note={
              <span className="muted parent-note">
                {company.parent ? `under ${company.parent.code}` : "top-level company"}
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
