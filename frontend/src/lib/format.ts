/** Dates, numbers, days and statuses in the page's language (Intl for the locale), the same on every page. */
import i18n from "i18next";
import type { Schemas } from "../api/client";
import { currentLocale } from "../i18n";

type Formats = {
  date: Intl.DateTimeFormat;
  dayMonth: Intl.DateTimeFormat;
  dateTime: Intl.DateTimeFormat;
  time: Intl.DateTimeFormat;
  count: Intl.NumberFormat;
  list: Intl.ListFormat;
  relative: Intl.RelativeTimeFormat;
};

// One set per locale, made when the language is first shown.
const formatsByLocale = new Map<string, Formats>();

function formats(): Formats {
  const locale = currentLocale();
  let found = formatsByLocale.get(locale);
  if (!found) {
    found = {
      date: new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric" }),
      dayMonth: new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" }),
      dateTime: new Intl.DateTimeFormat(locale, {
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
      }),
      // To the second and with the zone: the server's messages name times in UTC, the page in the reader's zone.
      time: new Intl.DateTimeFormat(locale, {
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        timeZoneName: "short",
      }),
      count: new Intl.NumberFormat(locale),
      list: new Intl.ListFormat(locale, { style: "long", type: "conjunction" }),
      relative: new Intl.RelativeTimeFormat(locale, { numeric: "always" }),
    };
    formatsByLocale.set(locale, found);
  }
  return found;
}

function parse(value: string): Date {
  // A bare date ("2026-11-23") is a calendar day, not midnight UTC.
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00`) : new Date(value);
}

/** A count with the locale's thousands separators: 1,234 · 1.234 · 1 234. */
export function formatCount(value: number): string {
  return formats().count.format(value);
}

/** "NA, EU and FE" in the page's language. */
export function formatList(items: readonly string[]): string {
  return formats().list.format(items);
}

/** "5 minutes ago" in the page's language (`value` is negative for the past). */
export function formatRelative(value: number, unit: Intl.RelativeTimeFormatUnit): string {
  return formats().relative.format(value, unit);
}

export function formatDate(value: string | null | undefined): string {
  return value ? formats().date.format(parse(value)) : "—";
}

/** A day without its year, for labels where the year is clear: "23 Nov". */
export function formatDayMonth(value: string): string {
  return formats().dayMonth.format(parse(value));
}

export function formatDateTime(value: string | null | undefined): string {
  return value ? formats().dateTime.format(parse(value)) : "—";
}

export function formatTime(value: string | null | undefined): string {
  return value ? formats().time.format(parse(value)) : "—";
}

/**
 * The server's `daysLeft` in words, never counted again here (app/amazon/status.py days_left: rounded up, so under
 * 24 hours left is 1, said "today" as the reminders say "expires today"; 0 is the day it expired, then days ago).
 */
export function daysText(days: number): string {
  if (days < 0) return i18n.t("format.daysAgo", { count: -days });
  if (days <= 1) return i18n.t("format.today");
  return i18n.t("format.daysLeft", { count: days });
}

export type ConnectionStatus = Schemas["ConnectionStatus"];

export function statusText(status: ConnectionStatus, daysLeft?: number | null): string {
  switch (status) {
    case "active":
      return i18n.t("status.active");
    case "expiring":
      if (daysLeft == null) return i18n.t("status.expiring");
      return daysLeft <= 1
        ? i18n.t("status.expiringToday")
        : i18n.t("status.expiringIn", { count: daysLeft });
    case "expired":
      return i18n.t("status.expired");
    case "reauthorization_required":
      return i18n.t("status.reauthorizationRequired");
    case "wrong_region_or_role":
      return i18n.t("status.wrongRegionOrRole");
    case "not_connected":
      return i18n.t("status.notConnected");
    case "error":
      return i18n.t("status.error");
  }
}

export type Verdict = Schemas["ConnectionTest"]["verdict"];

const VERDICT_KEYS = {
  ok: "verdict.ok",
  reauthorization_required: "verdict.reauthorizationRequired",
  app_credentials_invalid: "verdict.appCredentialsInvalid",
  token_unreadable: "verdict.tokenUnreadable",
  wrong_region_or_role: "verdict.wrongRegionOrRole",
  amazon_unavailable: "verdict.amazonUnavailable",
  quota_exhausted: "verdict.quotaExhausted",
} as const satisfies Record<Verdict, string>;

export function isVerdict(code: string): code is Verdict {
  return Object.hasOwn(VERDICT_KEYS, code);
}

/** A connection test's verdict as a title: "Connection OK". */
export function verdictText(verdict: Verdict): string {
  return i18n.t(VERDICT_KEYS[verdict]);
}

/** What a connection's stored last check concluded, in the words of the test verdicts. */
export function lastCheckText(last: Schemas["LastCheck"]): string {
  if (last.result === "ok") return verdictText("ok");
  if (last.errorCode && isVerdict(last.errorCode)) return verdictText(last.errorCode);
  return last.result === "reauthorization_required"
    ? verdictText("reauthorization_required")
    : i18n.t("verdict.error");
}

type Role = Schemas["CurrentUser"]["role"];

const ROLE_KEYS = {
  admin: "role.admin",
  support: "role.support",
  viewer: "role.viewer",
} as const satisfies Record<Role, string>;

export function roleText(role: Role): string {
  return i18n.t(ROLE_KEYS[role]);
}
