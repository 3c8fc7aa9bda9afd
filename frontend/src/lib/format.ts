/** Dates, days and statuses in plain words, the same on every page. */
import type { Schemas } from "../api/client";

const DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric" });
const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
// To the second and with the zone: the server's messages name times in UTC, the page in the reader's zone.
const TIME = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZoneName: "short",
});

function parse(value: string): Date {
  // A bare date ("2026-11-23") is a calendar day, not midnight UTC.
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00`) : new Date(value);
}

const COUNT = new Intl.NumberFormat("en-US");

/** A count with thousands separators: 1,234. */
export function formatCount(value: number): string {
  return COUNT.format(value);
}

export function formatDate(value: string | null | undefined): string {
  return value ? DATE.format(parse(value)) : "—";
}

export function formatDateTime(value: string | null | undefined): string {
  return value ? DATE_TIME.format(parse(value)) : "—";
}

export function formatTime(value: string | null | undefined): string {
  return value ? TIME.format(parse(value)) : "—";
}

/**
 * The server's `daysLeft` in words, never counted again here (app/amazon/status.py days_left: rounded up, so under
 * 24 hours left is 1, said "today" as the reminders say "expires today"; 0 is the day it expired, then days ago).
 */
export function daysText(days: number): string {
  if (days < 0) return `${-days} ${-days === 1 ? "day" : "days"} ago`;
  if (days <= 1) return "today";
  return `${days} days left`;
}

export type ConnectionStatus = Schemas["ConnectionStatus"];

export function statusText(status: ConnectionStatus, daysLeft?: number | null): string {
  switch (status) {
    case "active":
      return "active";
    case "expiring":
      if (daysLeft == null) return "expiring";
      return daysLeft <= 1 ? "expiring today" : `expiring in ${daysLeft} days`;
    case "expired":
      return "expired";
    case "reauthorization_required":
      return "re-authorization required";
    case "wrong_region_or_role":
      return "wrong region or role";
    case "not_connected":
      return "not connected";
    case "error":
      return "error";
  }
}

export type Verdict = Schemas["ConnectionTest"]["verdict"];

export const VERDICT_TEXT: Record<Verdict, string> = {
  ok: "Connection OK",
  reauthorization_required: "Re-authorization required",
  app_credentials_invalid: "App credentials refused",
  token_unreadable: "Stored token unreadable",
  wrong_region_or_role: "Wrong region or role",
  amazon_unavailable: "Amazon unavailable",
  quota_exhausted: "Not tested: Amazon's quota is used up for now",
};

function isVerdict(code: string): code is Verdict {
  return Object.hasOwn(VERDICT_TEXT, code);
}

/** What a connection's stored last check concluded, in the words of the test verdicts. */
export function lastCheckText(last: Schemas["LastCheck"]): string {
  if (last.result === "ok") return VERDICT_TEXT.ok;
  if (last.errorCode && isVerdict(last.errorCode)) return VERDICT_TEXT[last.errorCode];
  return last.result === "reauthorization_required" ? VERDICT_TEXT.reauthorization_required : "Error";
}

export const ROLE_TEXT: Record<Schemas["CurrentUser"]["role"], string> = {
  admin: "Admin",
  support: "Support",
  viewer: "Viewer",
};
