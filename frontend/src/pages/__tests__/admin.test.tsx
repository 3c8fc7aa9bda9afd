import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { fakeApi, reply } from "../../test/api";
import { basics } from "../../test/fixtures";
import { renderApp } from "../../test/render";

const SECRET = "amzn1.oa2-cs.v1.super-secret-value";

function user(id: number, username: string, extra: Partial<Schemas["UserView"]> = {}): Schemas["UserView"] {
  return {
    id,
    username,
    displayName: username[0]!.toUpperCase() + username.slice(1),
    role: "support",
    active: true,
    companyScope: null,
    createdAt: "2026-01-05T10:00:00Z",
    ...extra,
  };
}

function credentials(extra: Partial<Schemas["AppCredentials"]> = {}): Schemas["AppCredentials"] {
  return {
    accountType: "seller",
    environment: "production",
    configured: true,
    version: 2,
    applicationId: "amzn1.sp.solution.app-1",
    lwaClientId: "amzn1.application-oa2-client.abc",
    clientSecretFingerprint: "…f00d",
    clientSecretExpiresAt: "2027-03-01T00:00:00Z",
    daysUntilSecretExpires: 98,
    redirectUri: "http://127.0.0.1:8766/oauth/amazon/callback",
    draftApp: false,
    updatedAt: "2026-11-01T10:00:00Z",
    updatedBy: "Ada Admin",
    ...extra,
  };
}

function credentialsDraft(extra: Partial<Schemas["CredentialsDraft"]> = {}): Schemas["CredentialsDraft"] {
  return {
    id: "99999999-8888-7777-6666-555555555555",
    accountType: "seller",
    environment: "production",
    status: "open",
    baseVersion: 2,
    expiresAt: "2026-11-23T11:00:00Z",
    changes: {},
    newSecretFingerprint: null,
    current: credentials(),
    ...extra,
  };
}

function setup(outbox: Partial<Schemas["OutboxPage"]> = {}) {
  const users = [user(1, "admin", { role: "admin", displayName: "Ada Admin" }), user(2, "bob")];
  const api = fakeApi({
    ...basics("admin"),
    "GET /api/integration-credentials": [credentials()],
    "GET /api/users": () => ({ items: users }),
    "GET /api/outbox": {
      smtpConfigured: false,
      items: [
        {
          id: 7,
          recipient: "ops@example.com",
          subject: "US-01: the NA authorization expires in 14 days",
          body: "Get a new token on US-01 before 7 Dec 2026.",
          createdAt: "2026-11-23T08:00:00Z",
          sentAt: null,
        },
      ],
      total: 1,
      limit: 50,
      offset: 0,
      ...outbox,
    },
  });
  return { api, users };
}

describe("admin page", () => {
  it("lists the users with role, companies and status", async () => {
    setup();
    renderApp("/admin");
    const section = await screen.findByRole("region", { name: "Users" });
    const rows = await within(section).findAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(rows[2]).toHaveTextContent("bob");
    expect(rows[2]).toHaveTextContent("Support");
    expect(rows[2]).toHaveTextContent("all");
    expect(rows[2]).toHaveTextContent("active");
    // Nobody can deactivate themselves.
    expect(within(rows[1]!).queryByRole("button", { name: /Deactivate/ })).not.toBeInTheDocument();
  });

  it("shows the server's field error next to the field when creating a user fails", async () => {
    const { api } = setup();
    api.on(
      "POST /api/users",
      reply(409, {
        error: "username_taken",
        message: "User bob exists already.",
        fields: { username: "taken" },
      }),
    );
    renderApp("/admin");
    const form = await screen.findByRole("form", { name: "New user" });
    await userEvent.type(within(form).getByLabelText("Username"), "bob");
    await userEvent.type(within(form).getByLabelText("Display name"), "Bob Again");
    await userEvent.type(within(form).getByLabelText("Initial password"), "long enough password");
    await userEvent.click(within(form).getByRole("button", { name: "Create user" }));

    const username = within(form).getByLabelText("Username");
    await waitFor(() => expect(username).toHaveAttribute("aria-invalid", "true"));
    expect(username).toHaveAccessibleDescription("taken");
    expect(within(form).getByLabelText("Display name")).not.toHaveAttribute("aria-invalid");
    expect(api.callsTo("POST /api/users")[0]!.body).toEqual({
      username: "bob",
      displayName: "Bob Again",
      role: "viewer",
      password: "long enough password",
      companyCodes: [],
    });
  });

  it("shows a 400 on the password next to the password", async () => {
    const { api } = setup();
    api.on(
      "POST /api/users",
      reply(400, {
        error: "bad_input",
        message: "Expected `str` of length >= 12 - at `$.password`",
        fields: { password: "Expected `str` of length >= 12" },
      }),
    );
    renderApp("/admin");
    const form = await screen.findByRole("form", { name: "New user" });
    await userEvent.type(within(form).getByLabelText("Username"), "carol");
    await userEvent.type(within(form).getByLabelText("Initial password"), "short");
    await userEvent.click(within(form).getByRole("button", { name: "Create user" }));
    const password = within(form).getByLabelText("Initial password");
    await waitFor(() => expect(password).toHaveAccessibleDescription("Expected `str` of length >= 12"));
    expect(password).toHaveAttribute("type", "password");
  });

  it("deactivates a user only after confirmation", async () => {
    const { api, users } = setup();
    api.on("POST /api/users/:id/deactivate", () => {
      users[1] = { ...users[1]!, active: false };
      return users[1];
    });
    renderApp("/admin");
    const button = await screen.findByRole("button", { name: "Deactivate bob" });

    await userEvent.click(button);
    let dialog = screen.getByRole("dialog", { name: "Deactivate bob?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    expect(api.callsTo("POST /api/users/:id/deactivate")).toHaveLength(0);

    await userEvent.click(button);
    dialog = screen.getByRole("dialog", { name: "Deactivate bob?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Deactivate" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(api.callsTo("POST /api/users/:id/deactivate")[0]!.path).toBe("/api/users/2/deactivate");
    const section = screen.getByRole("region", { name: "Users" });
    await within(section).findByText("deactivated");
    expect(within(section).queryByRole("button", { name: "Deactivate bob" })).not.toBeInTheDocument();
  });

  it("never shows the app's client secret: only its fingerprint, and a password input to replace it", async () => {
    const { api } = setup();
    api.on("POST /api/integration-credentials/:type/:env/edits", reply(201, credentialsDraft()));
    api.on("PATCH /api/integration-credentials/edits/:id", (call) => {
      expect(call.body).toEqual({ lwaClientSecret: SECRET });
      return credentialsDraft({ changes: { lwaClientSecret: "…alue" }, newSecretFingerprint: "…alue" });
    });
    renderApp("/admin");
    const card = await screen.findByRole("article", { name: "Seller app — production" });
    expect(within(card).getByText("…f00d")).toBeInTheDocument();

    await userEvent.click(within(card).getByRole("button", { name: "Edit Seller app — production" }));
    const input = await within(card).findByLabelText("New client secret");
    expect(input).toHaveAttribute("type", "password");
    expect(input).toHaveValue("");
    expect(input).toHaveAccessibleDescription("Current secret: …f00d.");

    await userEvent.type(input, SECRET);
    await userEvent.tab();
    await within(card).findByText("A new secret (…alue) waits for Save.");
    expect(input).toHaveValue("");
    expect(document.body.textContent).not.toContain(SECRET);
    expect(api.callsTo("PATCH /api/integration-credentials/edits/:id")).toHaveLength(1);
  });

  it("lists the outbox and says that no SMTP server is configured", async () => {
    setup();
    renderApp("/admin");
    const outbox = await screen.findByRole("region", { name: "Mail outbox" });
    expect(
      await within(outbox).findByText(/No SMTP server is configured: e-mail is not sent/),
    ).toBeInTheDocument();
    expect(within(outbox).getByText("US-01: the NA authorization expires in 14 days")).toBeInTheDocument();
    expect(within(outbox).getByText("ops@example.com")).toBeInTheDocument();
    expect(within(outbox).getByText("not sent")).toBeInTheDocument();
  });

  it("shows an empty outbox as such", async () => {
    setup({ items: [], total: 0 });
    renderApp("/admin");
    const outbox = await screen.findByRole("region", { name: "Mail outbox" });
    expect(await within(outbox).findByText("The outbox is empty.")).toBeInTheDocument();
  });
});
