import { QueryClient } from "@tanstack/react-query";
import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { keys } from "../../api/keys";
import { draftQuery } from "../../api/settings";
import { fakeApi, reply, type Call } from "../../test/api";
import { basics, draft, settings } from "../../test/fixtures";
import { renderApp } from "../../test/render";

const EDIT = draft().id;
const CHANGED_ELSEWHERE = "This draft was changed in another tab or window: reload to see the changes.";
const changedElsewhere = reply(409, {
  error: "draft_changed_elsewhere",
  message: CHANGED_ELSEWHERE,
  fields: { revision: "the draft is at revision 2" },
});

/** The draft as another tab left it: Price sync ticked and another e-mail address, at revision 2. */
const ticked = draft({
  changes: { priceSyncEnabled: true, notificationEmail: "tab-b@example.com" },
  values: { ...draft().values, priceSyncEnabled: true, notificationEmail: "tab-b@example.com" },
  revision: 2,
});

/** PATCH as the server answers it: the change merged in, at the next revision. */
function accept(call: Call): Schemas["Draft"] {
  const { revision, ...changes } = call.body as Schemas["SettingsChanges"] & { revision: number };
  return draft({
    changes,
    values: { ...draft().values, ...changes } as Schemas["DraftValues"],
    revision: revision + 1,
  });
}

function setup() {
  return fakeApi({
    ...basics("admin"),
    "GET /api/companies/1/amazon": settings("US"),
    "GET /api/edits/:id": draft(),
    "DELETE /api/edits/:id": reply(204),
  });
}

async function openDraft() {
  const view = renderApp(`/companies/1/amazon?edit=${EDIT}`);
  await screen.findByRole("button", { name: "Save" });
  return view;
}

describe("two tabs of one user on one draft", () => {
  it("a change refused because another tab changed the draft says so, and Reload shows the other tab's change", async () => {
    const api = setup();
    api.on("PATCH /api/edits/:id", changedElsewhere);
    const { router } = await openDraft();

    const enabled = screen.getByLabelText("Enabled");
    await userEvent.click(enabled);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(CHANGED_ELSEWHERE);
    expect(api.callsTo("PATCH /api/edits/:id")[0]!.body).toEqual({ enabled: false, revision: 1 });
    // What the refused change showed goes back to the draft as stored.
    await waitFor(() => expect(enabled).toBeChecked());
    expect(screen.queryByText("That change was not accepted.")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Save" })).toHaveAccessibleDescription(CHANGED_ELSEWHERE);

    api.on("GET /api/edits/:id", ticked);
    api.on("PATCH /api/edits/:id", accept);
    const reads = api.callsTo("GET /api/edits/:id").length;
    await userEvent.click(screen.getByRole("button", { name: "Reload" }));

    await waitFor(() => expect(screen.getByLabelText("Price sync")).toBeChecked());
    // Every field starts afresh from the draft read again, the text the user types in too.
    expect(screen.getByLabelText("Notification e-mail")).toHaveValue("tab-b@example.com");
    expect(api.callsTo("GET /api/edits/:id").length).toBeGreaterThan(reads);
    expect(screen.queryByText(CHANGED_ELSEWHERE)).not.toBeInTheDocument();
    expect(api.callsTo("DELETE /api/edits/:id")).toHaveLength(0);
    expect(router.state.location.search).toBe(`?edit=${EDIT}`);
    expect(screen.getByRole("button", { name: "Save" })).toBeEnabled();

    await userEvent.click(screen.getByLabelText("Enabled"));
    await waitFor(() => expect(api.callsTo("PATCH /api/edits/:id")).toHaveLength(2));
    expect(api.callsTo("PATCH /api/edits/:id")[1]!.body).toEqual({ enabled: false, revision: 2 });
  });

  it("a Save refused because another tab changed the draft says so instead of the other-user conflict", async () => {
    const api = setup();
    api.on("POST /api/edits/:id/save", changedElsewhere);
    await openDraft();

    await userEvent.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText(CHANGED_ELSEWHERE)).toBeInTheDocument();
    expect(api.callsTo("POST /api/edits/:id/save")[0]!.body).toMatchObject({ revision: 1 });
    expect(screen.queryByText("Not saved.")).not.toBeInTheDocument();

    api.on("GET /api/edits/:id", ticked);
    api.on("POST /api/edits/:id/save", settings("US", { version: 4 }));
    await userEvent.click(screen.getByRole("button", { name: "Reload" }));
    await waitFor(() => expect(screen.getByLabelText("Price sync")).toBeChecked());
    await userEvent.click(screen.getByRole("button", { name: "Save" }));

    await screen.findByText(/Saved\. The settings are now at version 4/);
    expect(api.callsTo("POST /api/edits/:id/save")[1]!.body).toMatchObject({ revision: 2 });
    expect(api.callsTo("DELETE /api/edits/:id")).toHaveLength(0);
  });

  it("a draft saved in another tab: the next change says so, and Reload shows the stored settings", async () => {
    const api = setup();
    api.on(
      "PATCH /api/edits/:id",
      reply(410, {
        error: "draft_saved",
        message: "This draft was saved at 2026-11-23 09:30:00 UTC; begin a new edit.",
        fields: {},
      }),
    );
    const { router } = await openDraft();

    await userEvent.click(screen.getByLabelText("Price sync"));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(/^This draft was saved in another tab or window/);
    expect(screen.queryByText("That change was not accepted.")).not.toBeInTheDocument();
    const settingsReads = api.callsTo("GET /api/companies/1/amazon").length;

    await userEvent.click(screen.getByRole("button", { name: "Reload" }));

    expect(await screen.findByRole("button", { name: "Edit" })).toBeInTheDocument();
    expect(router.state.location.search).toBe("");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    await waitFor(() =>
      expect(api.callsTo("GET /api/companies/1/amazon").length).toBeGreaterThan(settingsReads),
    );
  });

  it("a draft discarded in another tab: Save says so", async () => {
    const api = setup();
    api.on(
      "POST /api/edits/:id/save",
      reply(410, { error: "draft_cancelled", message: "This draft was cancelled at …", fields: {} }),
    );
    await openDraft();

    await userEvent.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(
      /^This draft was discarded in another tab or window/,
    );
    expect(screen.queryByText("Not saved.")).not.toBeInTheDocument();
  });

  it("changes made one right after the other each carry the revision the one before returned", async () => {
    const api = setup();
    api.on("PATCH /api/edits/:id", accept);
    await openDraft();

    // Both clicks before any answer comes back.
    fireEvent.click(screen.getByLabelText("Inventory sync"));
    fireEvent.click(screen.getByLabelText("Price sync"));

    await waitFor(() => expect(api.callsTo("PATCH /api/edits/:id")).toHaveLength(2));
    expect(api.callsTo("PATCH /api/edits/:id").map((c) => (c.body as { revision: number }).revision)).toEqual(
      [1, 2],
    );
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("a Save clicked while the draft is read again after Amazon's pop-up is made on the draft that read brings", async () => {
    const api = setup();
    api.on("POST /api/edits/:id/save", settings("US", { version: 4 }));
    await openDraft();
    const withToken = draft({
      revision: 2,
      pendingGrants: [
        {
          region: "NA",
          sellingPartnerId: "A1SELLER",
          tokenFingerprint: "abcd",
          obtainedAt: "2026-11-23T09:05:00Z",
          sellerChanged: false,
        },
      ],
    });
    api.on("GET /api/edits/:id", withToken);
    const message = { type: "amazon-token", editId: EDIT, companyId: 1, region: "NA" };

    // The pop-up reports back and the user clicks Save at once, before the draft read again has come back.
    act(() => {
      window.dispatchEvent(new MessageEvent("message", { origin: window.location.origin, data: message }));
    });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));

    await screen.findByText(/Saved\. The settings are now at version 4/);
    expect(api.callsTo("POST /api/edits/:id/save")[0]!.body).toMatchObject({ revision: 2 });
  });

  it("a read of the draft that answers after a newer change keeps the newer draft", async () => {
    fakeApi({ "GET /api/edits/:id": draft({ revision: 2 }) });
    const queryClient = new QueryClient();
    queryClient.setQueryData(keys.draft(EDIT), draft({ revision: 3, changes: { enabled: false } }));

    const read = await queryClient.fetchQuery(draftQuery(EDIT));

    expect(read.revision).toBe(3);
    expect(read.changes).toEqual({ enabled: false });
  });
});
