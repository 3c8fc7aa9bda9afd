/** The settings fields a draft can change, and whether the draft changes each one. */
import type { Schemas } from "../../api/client";

export type Changes = Schemas["SettingsChanges"];
export type Settings = Schemas["AmazonSettings"];
export type Draft = Schemas["Draft"];
export type FieldName = keyof Changes;

function stored(settings: Settings, field: FieldName): unknown {
  switch (field) {
    case "parentId":
      return settings.parentId;
    case "language":
      return settings.language;
    case "unified":
      return settings.unified;
    case "enabled":
    case "accountType":
    case "marketplaceIds":
    case "orderImportEnabled":
    case "inventorySyncEnabled":
    case "priceSyncEnabled":
    case "notificationEmail":
      return settings[field].value;
  }
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && [...a].sort().join("\u0000") === [...b].sort().join("\u0000");
  }
  return (a ?? null) === (b ?? null);
}

/** A field is changed when the draft sets it to something other than the stored value. */
export function isChanged(draft: Draft, settings: Settings, field: FieldName): boolean {
  return field in draft.changes && !same(draft.values[field], stored(settings, field));
}

export function changedFields(draft: Draft, settings: Settings): FieldName[] {
  return (Object.keys(draft.changes) as FieldName[]).filter((f) => isChanged(draft, settings, f));
}

/** The server names fields by their wire path ("marketplaceIds[2]", "body.notificationEmail"). */
export function errorFor(errors: Record<string, string>, field: string): string | undefined {
  for (const [path, message] of Object.entries(errors)) {
    const bare = path.replace(/^body\./, "");
    if (bare === field || bare.startsWith(`${field}[`) || bare.startsWith(`${field}.`)) return message;
  }
  return undefined;
}
