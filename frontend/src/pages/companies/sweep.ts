/**
 * The needs-action filters of the companies page in one place: what each lists and tests, its words, and how it
 * lives in the URL (`?filter=new-token&region=EU`), so that a reload or a shared link shows the same.
 */
import i18n from "i18next";
import { REGIONS, type Region } from "../../api/companies";
import type { StatusFilter } from "../../api/health";
import type { Schemas } from "../../api/client";
import { currentLocale } from "../../i18n";
import { statusText, type ConnectionStatus } from "../../lib/format";

export type SweepKey = "new-token" | "expiring" | "wrong-region-or-role" | "failing" | "needs-action";

/** What the page shows: a filter (or none) and a region (or every region). */
export type Sweep = { key?: SweepKey; region?: Region };

export type SweepFilter = {
  key: SweepKey;
  /** The server's counts that add up to this filter's number. */
  counted: string[];
  /** The statuses listed, one paged list each: the server filters by one status at a time. */
  listed: StatusFilter[];
  /** The status a bulk test of this filter tests (one, as the server takes it). */
  tested: StatusFilter;
  /** The toggle's text with its count: "3 need a new token". */
  label: (count: number) => string;
  /** The heading of the list, in the page's language. */
  title: () => string;
};

export const SWEEP_FILTERS: SweepFilter[] = [
  {
    key: "new-token",
    counted: ["reauthorization_required", "expired"],
    listed: ["reauthorization_required", "expired"],
    // An expired authorization needs a new token whatever a test finds: testing it would only spend quota.
    tested: "reauthorization_required",
    label: (count) => i18n.t("sweep.newToken.label", { count }),
    title: () => i18n.t("sweep.newToken.title"),
  },
  {
    key: "expiring",
    counted: ["expiring"],
    listed: ["expiring"],
    tested: "expiring",
    label: (count) => i18n.t("sweep.expiring.label", { count }),
    title: () => i18n.t("sweep.expiring.title"),
  },
  {
    key: "wrong-region-or-role",
    counted: ["wrong_region_or_role"],
    listed: ["wrong_region_or_role"],
    tested: "wrong_region_or_role",
    label: (count) => i18n.t("sweep.wrongRegionOrRole.label", { count }),
    title: () => i18n.t("sweep.wrongRegionOrRole.title"),
  },
  {
    key: "failing",
    counted: ["error"],
    listed: ["error"],
    tested: "error",
    label: (count) => i18n.t("sweep.failing.label", { count }),
    title: () => i18n.t("sweep.failing.title"),
  },
  {
    key: "needs-action",
    counted: ["needs_action"],
    listed: ["needs_action"],
    tested: "needs_action",
    label: (count) => i18n.t("sweep.needsAction.label", { count }),
    title: () => i18n.t("sweep.needsAction.title"),
  },
];

export function sweepFilter(key: SweepKey | undefined): SweepFilter | undefined {
  return SWEEP_FILTERS.find((f) => f.key === key);
}

export function parseSweep(params: URLSearchParams): Sweep {
  const key = params.get("filter");
  const region = params.get("region");
  return {
    key: SWEEP_FILTERS.some((f) => f.key === key) ? (key as SweepKey) : undefined,
    region: REGIONS.includes(region as Region) ? (region as Region) : undefined,
  };
}

/** The URL's search parameters for `sweep`, keeping the others there are. */
export function sweepParams(sweep: Sweep, current: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(current);
  for (const [name, value] of [
    ["filter", sweep.key],
    ["region", sweep.region],
  ] as const) {
    if (value) next.set(name, value);
    else next.delete(name);
  }
  return next;
}

export const isFiltered = (sweep: Sweep) => sweep.key != null || sweep.region != null;

type Counts = Record<string, number>;

/** A filter's number, added up from the server's counts (never counted from a list). */
export function countOf(filter: SweepFilter, counts: Counts): number {
  return filter.counted.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
}

/** Every connection counted, whatever its status (the counts cover connected ones only). */
export function connectionsCounted(counts: Counts): number {
  return Object.entries(counts).reduce((sum, [status, n]) => (status === "needs_action" ? sum : sum + n), 0);
}

const NEEDS_ACTION: ConnectionStatus[] = [
  "reauthorization_required",
  "expired",
  "wrong_region_or_role",
  "error",
  "expiring",
];

/** The regions of a listed owner that put it in the list: in `status` (any connected one) and `region`. */
export function regionsInFilter(
  company: Schemas["Company"],
  status: StatusFilter | undefined,
  region: Region | undefined,
): Schemas["RegionStatus"][] {
  return company.regions.filter((r) => {
    if (region && r.region !== region) return false;
    if (status == null) return r.status !== "not_connected";
    if (status === "needs_action") return NEEDS_ACTION.includes(r.status);
    return r.status === status;
  });
}

/** "Re-authorization required": a status as a heading. */
export function statusHeading(status: ConnectionStatus): string {
  const words = statusText(status);
  return words.charAt(0).toLocaleUpperCase(currentLocale()) + words.slice(1);
}

const TESTED_KEYS = {
  needs_action: "sweep.tested.needsAction",
  needs_new_token: "sweep.tested.needsNewToken",
  active: "sweep.tested.active",
  expiring: "sweep.tested.expiring",
  expired: "sweep.tested.expired",
  reauthorization_required: "sweep.tested.reauthorizationRequired",
  wrong_region_or_role: "sweep.tested.wrongRegionOrRole",
  error: "sweep.tested.error",
} as const satisfies Record<StatusFilter, string>;

/** What a bulk test covered, from the filter the server recorded: "connections that need action in EU". */
export function testedText(statusFilter: string | null, regionFilter: string | null): string {
  const what =
    statusFilter && Object.hasOwn(TESTED_KEYS, statusFilter)
      ? i18n.t(TESTED_KEYS[statusFilter as StatusFilter])
      : i18n.t("sweep.tested.all");
  return regionFilter ? i18n.t("sweep.tested.inRegion", { what, region: regionFilter }) : what;
}
