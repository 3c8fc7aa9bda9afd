import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { fakeApi, reply, type Call } from "../../test/api";
import { basics, companyDirectory, draft, listedCompany, settings } from "../../test/fixtures";
import { renderApp } from "../../test/render";

const CA = { id: 2, code: "CA-01" };
const US = { id: 1, code: "US-01" };
const UK = { id: 5, code: "UK-01" };

const companies = [
  listedCompany(1, "US-01", "Acme US"),
  listedCompany(2, "CA-01", "Acme Canada", US, true),
  listedCompany(3, "MX-01", "Acme Mexico", CA),
  listedCompany(5, "UK-01", "Acme UK"),
];

/** CA-01's draft: under US-01 and unified, unless the change says otherwise. */
function caDraft(changes: Schemas["SettingsChanges"] = {}, warnings: Schemas["Warning"][] = []) {
  const base = draft();
  const parentId = "parentId" in changes ? (changes.parentId ?? null) : 1;
  const unified = changes.unified ?? (parentId === null ? false : true);
  const owner = unified ? (parentId === 5 ? UK : US) : CA;
  return draft({
    company: CA,
    changes,
    warnings,
    values: { ...base.values, parentId, unified, accountOwner: owner },
  });
}

function setup(onPatch: (call: Call) => unknown) {
  return fakeApi({
    ...basics("admin"),
    "GET /api/companies": companyDirectory(companies),
    "GET /api/companies/2/amazon": settings("CA"),
    "GET /api/edits/:id": caDraft(),
    "PATCH /api/edits/:id": onPatch,
  });
}

async function openEditMode() {
  renderApp(`/companies/2/amazon?edit=${draft().id}`);
  const parent = await screen.findByRole("combobox", { name: "Parent company" });
  await waitFor(() => expect(parent).toHaveValue("US-01 — Acme US"));
  return parent as HTMLInputElement;
}

/** Open the list of the combobox with the keyboard and wait for its options. */
async function openList(parent: HTMLElement) {
  parent.focus();
  await userEvent.keyboard("{ArrowDown}");
  const list = await screen.findByRole("listbox", { name: "Parent companies" });
  await within(list).findByRole("option", { name: /^US-01/ });
  return list;
}

describe("settings edit mode: parent company and unified", () => {
  it("offers the companies except this one and those below it, and sends the parent chosen by keyboard", async () => {
    const api = setup((call) =>
      caDraft(call.body as Schemas["SettingsChanges"], [
        {
          code: "marketplaces_without_connection",
          message:
            "UK-01 has no connection for NA: CA-01's marketplaces there will not sync until it has one.",
        },
      ]),
    );
    const parent = await openEditMode();
    const list = await openList(parent);
    const options = within(list)
      .getAllByRole("option")
      .map((o) => o.textContent);
    // Neither CA-01 itself nor MX-01 (below it) is offered.
    expect(options).toEqual(["none (top-level company)", "UK-01 — Acme UK", "US-01 — Acme US"]);
    expect(screen.getByLabelText("Unified: use the parent company's Amazon account")).toBeChecked();

    await userEvent.keyboard("{ArrowDown}{Enter}");
    expect(api.callsTo("PATCH /api/edits/:id")[0]!.body).toEqual({ parentId: 5, revision: 1 });
    await waitFor(() => expect(parent.closest(".edit-field")).toHaveTextContent("changed"));
    expect(parent).toHaveValue("UK-01 — Acme UK");
    expect(
      await screen.findByText(/UK-01 has no connection for NA: CA-01's marketplaces there will not sync/),
    ).toBeInTheDocument();
  });

  it("shows the server's refusal of a parent next to the picker and keeps the stored parent", async () => {
    setup(() =>
      reply(422, {
        error: "hierarchy_cycle",
        message: "A company cannot be placed under itself or one of its own descendants.",
        fields: { parentId: "would create a cycle" },
      }),
    );
    const parent = await openEditMode();
    await userEvent.type(parent, "{Control>}a{/Control}uk");
    await userEvent.click(await screen.findByRole("option", { name: "UK-01 — Acme UK" }));
    await waitFor(() => expect(parent).toHaveAttribute("aria-invalid", "true"));
    expect(parent).toHaveAccessibleDescription(expect.stringContaining("would create a cycle"));
    expect(parent.closest(".edit-field")).toHaveClass("invalid");
    await waitFor(() => expect(parent).toHaveValue("US-01 — Acme US"));
  });

  it("leaving the tree ends 'unified' in the same change", async () => {
    const api = setup((call) =>
      caDraft(call.body as Schemas["SettingsChanges"], [
        {
          code: "will_be_not_connected",
          message:
            "CA-01 will use an Amazon account of its own and stays not connected until it gets its own token.",
        },
      ]),
    );
    const parent = await openEditMode();
    await openList(parent);
    await userEvent.keyboard("{Enter}");
    expect(api.callsTo("PATCH /api/edits/:id")[0]!.body).toEqual({
      parentId: null,
      unified: false,
      revision: 1,
    });
    expect(await screen.findByText(/CA-01 will use an Amazon account of its own/)).toBeInTheDocument();
    expect(
      screen.queryByLabelText("Unified: use the parent company's Amazon account"),
    ).not.toBeInTheDocument();
  });

  it("shows the warning that making a company unified discards its own connections", async () => {
    const api = fakeApi({
      ...basics("admin"),
      "GET /api/companies": companyDirectory(companies),
      "GET /api/companies/2/amazon": settings("CA", { unified: false, accountOwner: CA }),
      "GET /api/edits/:id": caDraft({ unified: false }),
      "PATCH /api/edits/:id": (call: Call) =>
        caDraft(call.body as Schemas["SettingsChanges"], [
          {
            code: "connections_will_be_discarded",
            message:
              "Saving makes CA-01 use US-01's Amazon account: its own connections for NA will be discarded.",
          },
        ]),
    });
    await openEditMode();
    const unified = screen.getByLabelText("Unified: use the parent company's Amazon account");
    expect(unified).not.toBeChecked();
    await userEvent.click(unified);
    expect(api.callsTo("PATCH /api/edits/:id")[0]!.body).toEqual({ unified: true, revision: 1 });
    expect(await screen.findByText(/its own connections for NA will be discarded/)).toBeInTheDocument();
    expect(unified).toBeChecked();
  });
});
