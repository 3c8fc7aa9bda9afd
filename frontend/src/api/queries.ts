/** Query keys and query functions for every server resource; pages use these through TanStack Query. */
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { api, setCsrfToken, unwrap, type Schemas } from "./client";

export type Region = Schemas["Region"];
export const REGIONS: Region[] = ["NA", "EU", "FE"];

export const keys = {
  me: ["me"] as const,
  /** Every list of companies starts with "companies": invalidating `allCompanies` refreshes them all. */
  allCompanies: ["companies"] as const,
  companyPages: (filter: CompanyFilter) => ["companies", "pages", filter] as const,
  companyCount: ["companies", "count"] as const,
  companyChoices: (q: string) => ["companies", "choices", q] as const,
  company: (id: number) => ["company", id] as const,
  settings: (id: number) => ["settings", id] as const,
  draft: (editId: string) => ["draft", editId] as const,
  marketplaces: ["marketplaces"] as const,
  audit: (id: number, offset: number) => ["audit", id, offset] as const,
  notifications: ["notifications"] as const,
  timeline: ["timeline"] as const,
  appCredentials: ["appCredentials"] as const,
  credentialsDraft: (editId: string) => ["credentialsDraft", editId] as const,
  users: ["users"] as const,
  outbox: (offset: number) => ["outbox", offset] as const,
};

export const meQuery = queryOptions({
  queryKey: keys.me,
  queryFn: async () => {
    const signedIn = await unwrap(api.GET("/api/auth/me"));
    setCsrfToken(signedIn.csrfToken);
    return signedIn;
  },
  staleTime: Infinity,
});

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

export const settingsQuery = (id: number) =>
  queryOptions({
    queryKey: keys.settings(id),
    queryFn: () =>
      unwrap(api.GET("/api/companies/{company_id}/amazon", { params: { path: { company_id: id } } })),
  });

export const draftQuery = (editId: string) =>
  queryOptions({
    queryKey: keys.draft(editId),
    queryFn: () => unwrap(api.GET("/api/edits/{edit_id}", { params: { path: { edit_id: editId } } })),
  });

export const marketplacesQuery = queryOptions({
  queryKey: keys.marketplaces,
  queryFn: () => unwrap(api.GET("/api/marketplaces")),
  staleTime: Infinity,
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

export const notificationsQuery = queryOptions({
  queryKey: keys.notifications,
  queryFn: () => unwrap(api.GET("/api/notifications", { params: { query: { limit: 50 } } })),
  refetchInterval: 60_000,
});

export const timelineQuery = queryOptions({
  queryKey: keys.timeline,
  queryFn: () => unwrap(api.GET("/api/amazon/expiry-timeline", { params: { query: { weeks: 12 } } })),
});

export const appCredentialsQuery = queryOptions({
  queryKey: keys.appCredentials,
  queryFn: () => unwrap(api.GET("/api/integration-credentials")),
});

export const credentialsDraftQuery = (editId: string) =>
  queryOptions({
    queryKey: keys.credentialsDraft(editId),
    queryFn: () =>
      unwrap(
        api.GET("/api/integration-credentials/edits/{edit_id}", { params: { path: { edit_id: editId } } }),
      ),
  });

export const usersQuery = queryOptions({
  queryKey: keys.users,
  queryFn: () => unwrap(api.GET("/api/users")),
});

export const OUTBOX_PAGE_SIZE = 50;

export const outboxQuery = (offset: number) =>
  queryOptions({
    queryKey: keys.outbox(offset),
    queryFn: () => unwrap(api.GET("/api/outbox", { params: { query: { limit: OUTBOX_PAGE_SIZE, offset } } })),
  });
