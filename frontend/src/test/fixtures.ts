/** Server answers shaped like the real API, for component tests. */
import type { Schemas } from "../api/client";

type Role = Schemas["CurrentUser"]["role"];
const NAMES: Record<Role, string> = { admin: "Ada Admin", support: "Sam Support", viewer: "Vic Viewer" };

export function signedIn(role: Role = "admin"): Schemas["SignedIn"] {
  return {
    user: { id: { admin: 1, support: 2, viewer: 3 }[role], username: role, displayName: NAMES[role], role },
    csrfToken: "csrf-123",
  };
}

const US = { id: 1, code: "US-01" };
const CA = { id: 2, code: "CA-01" };

function connection(
  region: Schemas["Region"],
  source: Schemas["Source"],
  extra: Partial<Schemas["Connection"]> = {},
): Schemas["Connection"] {
  return { region, status: "not_connected", source, marketplacesSeen: [], ...extra };
}

export function settings(company: "US" | "CA" = "US", extra: Partial<Schemas["AmazonSettings"]> = {}) {
  const ref = company === "US" ? US : CA;
  const own: Schemas["Source"] = { kind: "own", company: ref };
  const account: Schemas["Source"] = company === "US" ? own : { kind: "inherited", company: US };
  const result: Schemas["AmazonSettings"] = {
    company: ref,
    companyName: company === "US" ? "Acme US" : "Acme Canada",
    accountOwner: US,
    parentId: company === "US" ? null : 1,
    unified: company === "CA",
    version: 3,
    updatedAt: "2026-11-20T10:00:00Z",
    updatedBy: "Ada Admin",
    enabled: { value: true, source: own },
    accountType: { value: "seller", source: account },
    marketplaceIds: { value: ["ATVPDKIKX0DER"], source: own },
    orderImportEnabled: { value: true, source: own },
    inventorySyncEnabled: { value: false, source: own },
    priceSyncEnabled: { value: false, source: own },
    notificationEmail: { value: "ops@example.com", source: own },
    connections: [
      connection("NA", account, {
        status: "active",
        sellingPartnerId: "A1SELLER",
        tokenFingerprint: "wxyz",
        authorizedAt: "2026-06-01T00:00:00Z",
        authorizationExpiresAt: "2027-06-01T00:00:00Z",
        daysLeft: 190,
      }),
      connection("EU", account),
      connection("FE", account),
    ],
    openEdits: [],
    language: "en",
    ...extra,
  };
  return result;
}

export function company(which: "US" | "CA" = "US"): Schemas["Company"] {
  const isUs = which === "US";
  return {
    id: isUs ? 1 : 2,
    code: isUs ? "US-01" : "CA-01",
    name: isUs ? "Acme US" : "Acme Canada",
    parent: isUs ? null : US,
    unified: !isUs,
    childrenCount: isUs ? 1 : 0,
    accountOwner: US,
    regions: [
      { region: "NA", status: "expiring", daysLeft: 12 },
      { region: "EU", status: "reauthorization_required" },
      { region: "FE", status: "not_connected" },
    ],
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    language: "en",
  };
}

export function draft(extra: Partial<Schemas["Draft"]> = {}): Schemas["Draft"] {
  return {
    id: "11111111-2222-3333-4444-555555555555",
    company: US,
    editor: "Ada Admin",
    status: "open",
    baseVersion: 3,
    revision: 1,
    createdAt: "2026-11-23T09:00:00Z",
    expiresAt: "2026-11-23T11:00:00Z",
    changes: {},
    values: {
      parentId: null,
      unified: false,
      accountOwner: US,
      enabled: true,
      accountType: "seller",
      marketplaceIds: ["ATVPDKIKX0DER"],
      orderImportEnabled: true,
      inventorySyncEnabled: false,
      priceSyncEnabled: false,
      notificationEmail: "ops@example.com",
      language: "en",
    },
    pendingGrants: [],
    authorizationsInProgress: [],
    warnings: [],
    otherEditors: [],
    ...extra,
  };
}

export const marketplaces: Schemas["MarketplaceInfo"][] = [
  { id: "ATVPDKIKX0DER", region: "NA", countryCode: "US", name: "Amazon.com" },
  { id: "A2EUQ1WTGCTBG2", region: "NA", countryCode: "CA", name: "Amazon.ca" },
  { id: "A1PA6795UKMFR9", region: "EU", countryCode: "DE", name: "Amazon.de" },
];

export const notifications: Schemas["NotificationPage"] = {
  items: [],
  total: 0,
  unread: 0,
  limit: 50,
  offset: 0,
};

/** The routes every signed-in page needs. */
export function basics(role: Role = "admin") {
  return {
    "GET /api/auth/me": signedIn(role),
    "GET /api/notifications": notifications,
    "GET /api/marketplaces": marketplaces,
    "GET /api/companies/1": company("US"),
    "GET /api/companies/2": company("CA"),
  };
}

/** A company as listed, under `parent` (or at the top), with its own account unless `unified`. */
export function listedCompany(
  id: number,
  code: string,
  name: string,
  parent: Schemas["CompanyRef"] | null = null,
  unified = false,
): Schemas["Company"] {
  return {
    ...company("US"),
    id,
    code,
    name,
    parent,
    unified: unified && parent != null,
    childrenCount: 0,
    accountOwner: unified && parent ? parent : { id, code },
  };
}

/**
 * GET /api/companies over a fixed set of companies, like the server: filters by q (code or name), parentId and
 * rootsOnly, orders by code, pages by limit and offset, and counts each company's children.
 */
export function companyDirectory(companies: Schemas["Company"][]) {
  return (call: { query: URLSearchParams }): Schemas["CompanyList"] => {
    const q = call.query.get("q")?.trim().toLowerCase();
    const parentId = call.query.get("parentId");
    const rootsOnly = call.query.get("rootsOnly") === "true";
    const limit = Number(call.query.get("limit") ?? 50);
    const offset = Number(call.query.get("offset") ?? 0);
    const matching = companies
      .filter((c) => !q || c.code.toLowerCase().includes(q) || c.name.toLowerCase().includes(q))
      .filter((c) => parentId == null || c.parent?.id === Number(parentId))
      .filter((c) => !rootsOnly || c.parent == null)
      .sort((a, b) => a.code.localeCompare(b.code));
    const items = matching.slice(offset, offset + limit).map((c) => ({
      ...c,
      childrenCount: companies.filter((child) => child.parent?.id === c.id).length,
    }));
    return { items, total: matching.length, limit, offset };
  };
}
