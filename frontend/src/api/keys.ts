/**
 * The query keys of every server resource, and the invalidations built on them: pages and hooks refresh the cache
 * through `invalidate.*`, never with a key of their own.
 */
import type { QueryClient } from "@tanstack/react-query";
import type { CompanyFilter, Region } from "./companies";
import type { OwnerFilter } from "./health";

export const keys = {
  me: ["me"] as const,
  sessionEnded: ["auth", "session-ended"] as const,
  /** Every list of companies starts with "companies": invalidating `allCompanies` refreshes them all. */
  allCompanies: ["companies"] as const,
  companyPages: (filter: CompanyFilter) => ["companies", "pages", filter] as const,
  companyCount: ["companies", "count"] as const,
  companyChoices: (q: string) => ["companies", "choices", q] as const,
  // Under "companies", so that whatever refreshes the companies refreshes these too.
  statusCounts: (region: Region | undefined) => ["companies", "statusCounts", region ?? "all"] as const,
  owners: (filter: OwnerFilter, offset: number) => ["companies", "owners", filter, offset] as const,
  company: (id: number) => ["company", id] as const,
  settings: (id: number) => ["settings", id] as const,
  draft: (editId: string) => ["draft", editId] as const,
  marketplaces: ["marketplaces"] as const,
  /** Every page of one company's audit. */
  companyAudit: (id: number) => ["audit", id] as const,
  audit: (id: number, offset: number) => ["audit", id, offset] as const,
  notifications: ["notifications"] as const,
  timeline: ["timeline"] as const,
  appCredentials: ["appCredentials"] as const,
  credentialsDraft: (editId: string) => ["credentialsDraft", editId] as const,
  users: ["users"] as const,
  outbox: (offset: number) => ["outbox", offset] as const,
  bulkTests: ["bulkTests"] as const,
  currentBulkTest: ["bulkTests", "current"] as const,
  bulkTest: (id: number) => ["bulkTests", id] as const,
  bulkTestResults: (id: number, failuresOnly: boolean, offset: number) =>
    ["bulkTests", id, "results", failuresOnly, offset] as const,
};

/** Mark what a write changed as stale: the queries shown now are read again (each answers when they are). */
export const invalidate = {
  /** Every list of companies, their counts and the filtered owners. */
  companies: (queryClient: QueryClient) => queryClient.invalidateQueries({ queryKey: keys.allCompanies }),
  company: (queryClient: QueryClient, id: number) =>
    queryClient.invalidateQueries({ queryKey: keys.company(id) }),
  settings: (queryClient: QueryClient, companyId: number) =>
    queryClient.invalidateQueries({ queryKey: keys.settings(companyId) }),
  draft: (queryClient: QueryClient, editId: string) =>
    queryClient.invalidateQueries({ queryKey: keys.draft(editId) }),
  /** Every page of the company's audit. */
  audit: (queryClient: QueryClient, companyId: number) =>
    queryClient.invalidateQueries({ queryKey: keys.companyAudit(companyId) }),
  timeline: (queryClient: QueryClient) => queryClient.invalidateQueries({ queryKey: keys.timeline }),
  notifications: (queryClient: QueryClient) =>
    queryClient.invalidateQueries({ queryKey: keys.notifications }),
  appCredentials: (queryClient: QueryClient) =>
    queryClient.invalidateQueries({ queryKey: keys.appCredentials }),
  users: (queryClient: QueryClient) => queryClient.invalidateQueries({ queryKey: keys.users }),
  currentBulkTest: (queryClient: QueryClient) =>
    queryClient.invalidateQueries({ queryKey: keys.currentBulkTest }),
  bulkTest: (queryClient: QueryClient, id: number) =>
    queryClient.invalidateQueries({ queryKey: keys.bulkTest(id) }),
};
