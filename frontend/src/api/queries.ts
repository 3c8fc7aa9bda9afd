/** Query keys and query functions for every server resource; pages use these through TanStack Query. */
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { applyUserLanguage } from "../i18n";
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
    applyUserLanguage(signedIn.user.language);
    return signedIn;
  },
  staleTime: Infinity,
});

/** Store the page language the signed-in user chose, for all their sessions; answers the user as now stored. */
export function storeLanguage(language: NonNullable<Schemas["CurrentUser"]["language"]>) {
  return unwrap(api.PUT("/api/auth/me/language", { body: { language } }));
}

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
    queryFn: async ({ client, queryKey }) => {
      const read = await unwrap(api.GET("/api/edits/{edit_id}", { params: { path: { edit_id: editId } } }));
      // A draft's revision only goes up: a read that answers after a newer change's answer keeps that one.
      const held = client.getQueryData<typeof read>(queryKey);
      return held && read.status === "open" && held.revision > read.revision ? held : read;
    },
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

/* Connection health: the needs-action counts and filtered owners of the companies page, and the bulk test. */

export type StatusFilter = NonNullable<NonNullable<Schemas["BulkTestStart"]["status"]>>;

/** Which owners a filtered list shows: those with a connection in `status` (any when left out) and `region`. */
export type OwnerFilter = { status?: StatusFilter; region?: Region; q?: string };

export const OWNER_PAGE_SIZE = 25;
export const BULK_RESULTS_PAGE_SIZE = 25;
/** How often a running bulk test is asked for its progress. */
export const BULK_TEST_POLL_MS = 2_000;

export const healthKeys = {
  // Under "companies", so that whatever refreshes the companies refreshes these too.
  statusCounts: (region: Region | undefined) => ["companies", "statusCounts", region ?? "all"] as const,
  owners: (filter: OwnerFilter, offset: number) => ["companies", "owners", filter, offset] as const,
  bulkTests: ["bulkTests"] as const,
  currentBulkTest: ["bulkTests", "current"] as const,
  bulkTest: (id: number) => ["bulkTests", id] as const,
  bulkTestResults: (id: number, failuresOnly: boolean, offset: number) =>
    ["bulkTests", id, "results", failuresOnly, offset] as const,
};

/** Connections per status in the user's companies (and region), with `needs_action`: counted by the server. */
export const statusCountsQuery = (region: Region | undefined) =>
  queryOptions({
    queryKey: healthKeys.statusCounts(region),
    queryFn: async () =>
      (await unwrap(api.GET("/api/companies", { params: { query: { withCounts: true, region, limit: 1 } } })))
        .counts ?? {},
  });

/** A page of the account owners with a connection in the filter, wherever they are in the tree. */
export const ownersQuery = (filter: OwnerFilter, offset: number) =>
  queryOptions({
    queryKey: healthKeys.owners(filter, offset),
    queryFn: () =>
      unwrap(
        api.GET("/api/companies", {
          params: {
            query: {
              status: filter.status,
              region: filter.region,
              q: filter.q || undefined,
              limit: OWNER_PAGE_SIZE,
              offset,
            },
          },
        }),
      ),
  });

/** The latest bulk test of the user's companies (null when there was none). */
export const currentBulkTestQuery = queryOptions({
  queryKey: healthKeys.currentBulkTest,
  queryFn: () => unwrap(api.GET("/api/bulk-tests/current")),
});

/** A bulk test's progress, asked again every 2 s while it runs. */
export const bulkTestQuery = (id: number) =>
  queryOptions({
    queryKey: healthKeys.bulkTest(id),
    queryFn: () => unwrap(api.GET("/api/bulk-tests/{run_id}", { params: { path: { run_id: id } } })),
    refetchInterval: (query) => (query.state.data?.state === "running" ? BULK_TEST_POLL_MS : false),
  });

export const bulkTestResultsQuery = (id: number, failuresOnly: boolean, offset: number) =>
  queryOptions({
    queryKey: healthKeys.bulkTestResults(id, failuresOnly, offset),
    queryFn: () =>
      unwrap(
        api.GET("/api/bulk-tests/{run_id}/results", {
          params: {
            path: { run_id: id },
            query: { failuresOnly, limit: BULK_RESULTS_PAGE_SIZE, offset },
          },
        }),
      ),
  });

export function startBulkTest(filter: { status?: StatusFilter; region?: Region }) {
  return unwrap(api.POST("/api/bulk-tests", { body: { status: filter.status, region: filter.region } }));
}

export function cancelBulkTest(id: number) {
  return unwrap(api.POST("/api/bulk-tests/{run_id}/cancel", { params: { path: { run_id: id } } }));
}

/** The results as a CSV file (a plain link: the browser downloads it with the session's cookie). */
export const bulkTestCsvUrl = (id: number) => `/api/bulk-tests/${id}/results.csv`;
