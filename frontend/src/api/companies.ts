/** Companies: the paged lists, the picker's choices, one company, its audit, the expiry timeline, and creating one. */
import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { MutationConfig } from "../lib/react-query";
import { api, unwrap, type Schemas } from "./client";
import { invalidate, keys } from "./keys";

export type Region = Schemas["Region"];
export const REGIONS: Region[] = ["NA", "EU", "FE"];

/** Which companies a paged list shows: a search, the children of one company, or the top-level companies. */
export type CompanyFilter = { q?: string; parentId?: number; rootsOnly?: boolean };

export const COMPANY_PAGE_SIZE = 50;

/** Companies page by page ("Show more" loads the next page); ordered by code on the server. */
export const companyPagesQuery = (filter: CompanyFilter) =>
  infiniteQueryOptions({
    queryKey: keys.companyPages(filter),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/companies", {
          params: { query: { ...filter, limit: COMPANY_PAGE_SIZE, offset: pageParam } },
        }),
      ),
    initialPageParam: 0,
    getNextPageParam: (last) => {
      const next = last.offset + last.items.length;
      return last.items.length > 0 && next < last.total ? next : undefined;
    },
  });

/** How many companies the user can see in all. */
export const companyCountQuery = queryOptions({
  queryKey: keys.companyCount,
  queryFn: async () => (await unwrap(api.GET("/api/companies", { params: { query: { limit: 1 } } }))).total,
});

export const COMPANY_CHOICES = 20;

/** The first companies matching what is typed in a company picker (all companies, by code, when nothing is). */
export const companyChoicesQuery = (q: string) =>
  queryOptions({
    queryKey: keys.companyChoices(q),
    queryFn: () =>
      unwrap(api.GET("/api/companies", { params: { query: { q: q || undefined, limit: COMPANY_CHOICES } } })),
  });

export const companyQuery = (id: number) =>
  queryOptions({
    queryKey: keys.company(id),
    queryFn: () => unwrap(api.GET("/api/companies/{company_id}", { params: { path: { company_id: id } } })),
  });

export const AUDIT_PAGE_SIZE = 50;

export const auditQuery = (id: number, offset: number) =>
  queryOptions({
    queryKey: keys.audit(id, offset),
    queryFn: () =>
      unwrap(
        api.GET("/api/companies/{company_id}/audit", {
          params: { path: { company_id: id }, query: { limit: AUDIT_PAGE_SIZE, offset } },
        }),
      ),
  });

export const timelineQuery = queryOptions({
  queryKey: keys.timeline,
  queryFn: () => unwrap(api.GET("/api/amazon/expiry-timeline", { params: { query: { weeks: 12 } } })),
});

function createCompany(company: Schemas["CompanyCreate"]) {
  return unwrap(api.POST("/api/companies", { body: company }));
}

/** Create a company (admins): the lists and the timeline then show it. */
export function useCreateCompany({
  mutationConfig,
}: {
  mutationConfig?: MutationConfig<Awaited<ReturnType<typeof createCompany>>, Schemas["CompanyCreate"]>;
} = {}) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: createCompany,
    onSuccess: (...args) => {
      void onSuccess?.(...args);
      void invalidate.companies(queryClient);
      void invalidate.timeline(queryClient);
    },
  });
}
