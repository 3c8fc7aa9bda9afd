import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Schemas } from "../../api/client";
import i18n, { startLanguage } from "../../i18n";
import { fakeApi, reply } from "../../test/api";
import { basics, settings, signedIn } from "../../test/fixtures";
import { renderApp } from "../../test/render";

type Language = NonNullable<Schemas["CurrentUser"]["language"]>;

/** US-01 with a connection authorized at noon (the same calendar day in every time zone a test may run in). */
function usSettings() {
  const stored = settings("US");
  return settings("US", {
    connections: stored.connections.map((c) =>
      c.region === "NA"
        ? {
            ...c,
            authorizedAt: "2026-06-01T12:00:00Z",
            authorizationExpiresAt: "2027-06-01T12:00:00Z",
            daysLeft: 190,
          }
        : c,
    ),
  });
}

function audit(): Schemas["AuditPage"] {
  return {
    items: [
      {
        id: 1,
        at: "2026-11-20T12:00:00Z",
        actor: "Ada Admin",
        ip: null,
        action: "settings.saved",
        summary: "Saved",
        via: null,
        details: {},
      },
    ],
    total: 1,
    limit: 50,
    offset: 0,
  };
}

/** The signed-in admin's page, with `language` as the server keeps it for them (null: never chosen). */
function setup(language: Language | null) {
  const me = signedIn("admin");
  return fakeApi({
    ...basics("admin"),
    "GET /api/auth/me": { ...me, user: { ...me.user, language } },
    "GET /api/companies/1/amazon": usSettings(),
    "GET /api/companies/1/audit": audit(),
    "PUT /api/auth/me/language": (call) => ({
      ...me.user,
      language: (call.body as { language: string }).language,
    }),
  });
}

function browserLanguages(languages: string[]) {
  vi.spyOn(navigator, "languages", "get").mockReturnValue(languages);
}

describe("the page in the user's language", () => {
  it("is in German for a user who chose German: words, dates, days and <html lang>", async () => {
    setup("de");
    renderApp("/companies/1/amazon");

    expect(
      await screen.findByRole("heading", { name: "Allgemeine Amazon-Einstellungen" }),
    ).toBeInTheDocument();
    const na = screen.getByRole("region", { name: "Zugangsdaten NA" });
    expect(na).toHaveTextContent("Nordamerika");
    expect(na).toHaveTextContent("Autorisiert am1. Juni 2026");
    expect(na).toHaveTextContent("Autorisierung läuft ab am1. Juni 2027 (noch 190 Tage)");
    expect(screen.getByRole("button", { name: "Bearbeiten" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Unternehmen" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("de");
    expect(document.title).toBe("ERP-Einstellungen");

    await userEvent.click(screen.getByRole("button", { name: "Aktionen für NA" }));
    const menu = screen.getByRole("menu", { name: "Aktionen für NA" });
    // Amazon's own name stays as Amazon writes it inside the German button name.
    expect(
      within(menu).getByRole("menuitem", { name: /Token für die Selling Partner API abrufen/ }),
    ).toBeVisible();
  });

  it("is in French for a user who chose French, with French dates and times", async () => {
    setup("fr");
    renderApp("/companies/1/audit");

    expect(await screen.findByRole("heading", { name: "Journal" })).toBeInTheDocument();
    expect(await screen.findByRole("columnheader", { name: "Date et heure" })).toBeInTheDocument();
    const row = screen.getByRole("row", { name: /Ada Admin/ });
    expect(within(row).getByText(/^20 nov\. 2026/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Paramètres" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("fr");
  });

  it("follows the browser's languages until the user chooses one", async () => {
    browserLanguages(["es-ES", "fr-CA", "en"]);
    setup(null);
    renderApp("/companies/1/amazon");

    expect(await screen.findByRole("heading", { name: "Paramètres généraux Amazon" })).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Identifiants NA" })).toHaveTextContent("1 juin 2026");
    expect(screen.getByRole("combobox", { name: "Langue" })).toHaveValue("fr");
  });

  it("falls back to English for a browser in a language the page does not speak", async () => {
    browserLanguages(["es-ES", "it"]);
    setup(null);
    renderApp("/companies/1/amazon");

    expect(await screen.findByRole("heading", { name: "Amazon General Settings" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("en");
  });

  it("switches at once when the user picks a language in the menu, and stores the choice for the user", async () => {
    const api = setup(null);
    renderApp("/companies/1/amazon");
    await screen.findByRole("heading", { name: "Amazon General Settings" });

    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Language" }), "Deutsch");

    expect(
      await screen.findByRole("heading", { name: "Allgemeine Amazon-Einstellungen" }),
    ).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("de");
    await waitFor(() => expect(api.callsTo("PUT /api/auth/me/language")).toHaveLength(1));
    const [put] = api.callsTo("PUT /api/auth/me/language");
    expect(put!.body).toEqual({ language: "de" });
    expect(put!.headers.get("X-CSRF-Token")).toBe("csrf-123");
  });

  it("says so when the choice could not be stored, and keeps it in this browser", async () => {
    const api = setup(null);
    api.on("PUT /api/auth/me/language", reply(503, { error: "unavailable", message: "Down", fields: {} }));
    renderApp("/companies/1/amazon");
    await screen.findByRole("heading", { name: "Amazon General Settings" });

    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Language" }), "Français");

    expect(await screen.findByRole("alert")).toHaveTextContent("Non enregistré");
    expect(screen.getByRole("heading", { name: "Paramètres généraux Amazon" })).toBeInTheDocument();
  });

  it("shows the sign-in page in the browser's language, or the one last chosen in this browser", async () => {
    browserLanguages(["de-DE", "de"]);
    fakeApi({
      "GET /api/auth/me": reply(401, { error: "not_authenticated", message: "Sign in first.", fields: {} }),
    });
    // A page load: nothing chosen in this browser yet.
    await i18n.changeLanguage(startLanguage());
    const first = renderApp("/login");
    expect(await screen.findByRole("button", { name: "Anmelden" })).toBeInTheDocument();
    expect(screen.getByLabelText("Benutzername")).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Sprache" }), "Français");
    expect(await screen.findByRole("button", { name: "Se connecter" })).toBeInTheDocument();
    first.unmount();

    // The next page load starts in the language chosen here, whatever the browser's.
    expect(startLanguage()).toBe("fr");
  });

  it("stores a language picked on the sign-in page for the user who then signs in", async () => {
    const api = setup(null);
    api.on(
      "GET /api/auth/me",
      reply(401, { error: "not_authenticated", message: "Sign in first.", fields: {} }),
    );
    api.on("POST /api/auth/login", signedIn("admin"));
    api.on("GET /api/companies", { items: [], total: 0, limit: 50, offset: 0 });
    api.on("GET /api/amazon/expiry-timeline", { weeks: [] });
    api.on("GET /api/bulk-tests/current", null);
    renderApp("/login");

    await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Language" }), "Deutsch");
    await userEvent.type(screen.getByLabelText("Benutzername"), "admin");
    await userEvent.type(screen.getByLabelText("Passwort"), "secret");
    await userEvent.click(screen.getByRole("button", { name: "Anmelden" }));

    expect(await screen.findByRole("heading", { name: "Unternehmen", level: 1 })).toBeInTheDocument();
    await waitFor(() => expect(api.callsTo("PUT /api/auth/me/language")).toHaveLength(1));
    expect(api.callsTo("PUT /api/auth/me/language")[0]!.body).toEqual({ language: "de" });
    expect(api.callsTo("PUT /api/auth/me/language")[0]!.headers.get("X-CSRF-Token")).toBe("csrf-123");
  });
});
