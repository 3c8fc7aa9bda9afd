import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { draftQuery } from "../../api/settings";
import { fakeApi, reply } from "../../test/api";
import { basics, draft, settings } from "../../test/fixtures";
import { renderApp } from "../../test/render";
import { ConsentLinkPanel } from "../settings/ConsentLinkPanel";

const EDIT = draft().id;

function link(extra: Partial<Schemas["ConsentLinkSent"]> = {}): Schemas["ConsentLinkSent"] {
  return {
    id: 7,
    region: "NA",
    email: "holder@example.com",
    requestedBy: "Ada Admin",
    sentAt: "2026-11-23T09:05:00Z",
    expiresAt: "2026-11-30T09:05:00Z",
    status: "waiting",
    openedAt: null,
    ...extra,
  };
}

/** The panel as the credentials panel shows it: fed by the draft in the query cache. */
function Panel() {
  const current = useQuery(draftQuery(EDIT)).data;
  return current ? <ConsentLinkPanel region="NA" draft={current} central="Seller Central" /> : null;
}

function renderPanel() {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return render(
    <QueryClientProvider client={client}>
      <Panel />
    </QueryClientProvider>,
  );
}

describe("asking the account holder by e-mail", () => {
  it("sends the link for the region and then shows it waiting", async () => {
    let links: Schemas["ConsentLinkSent"][] = [];
    const api = fakeApi({
      "GET /api/edits/:id": () => draft({ consentLinks: links }),
      "POST /api/edits/:id/regions/:region/consent-links": () => {
        links = [link()];
        return reply(201, links[0]);
      },
    });
    renderPanel();

    await userEvent.type(
      await screen.findByLabelText("E-mail of the Seller Central account holder"),
      " holder@example.com ",
    );
    await userEvent.click(screen.getByRole("button", { name: "Send authorization link" }));

    expect(
      await screen.findByText(/Authorization link sent to holder@example.com on .*2026.*, waiting\./),
    ).toBeVisible();
    expect(screen.getByText(/Asked by Ada Admin; the link works once, until .*2026/)).toBeVisible();
    const sent = api.callsTo("POST /api/edits/:id/regions/:region/consent-links")[0]!;
    expect(sent.params).toEqual({ id: EDIT, region: "NA" });
    expect(sent.body).toEqual({ email: "holder@example.com" });
    expect(screen.queryByRole("button", { name: "Send authorization link" })).not.toBeInTheDocument();
  });

  it("resends and withdraws the waiting link", async () => {
    let links = [link()];
    const api = fakeApi({
      "GET /api/edits/:id": () => draft({ consentLinks: links }),
      "POST /api/edits/:id/consent-links/:link/resend": () => {
        links = [link({ id: 8, sentAt: "2026-11-24T10:00:00Z" })];
        return reply(201, links[0]);
      },
      "DELETE /api/edits/:id/consent-links/:link": () => {
        links = [];
        return reply(204);
      },
    });
    renderPanel();

    await userEvent.click(await screen.findByRole("button", { name: "Resend" }));
    await waitFor(() =>
      expect(api.callsTo("POST /api/edits/:id/consent-links/:link/resend")).toHaveLength(1),
    );
    expect(api.callsTo("POST /api/edits/:id/consent-links/:link/resend")[0]!.params.link).toBe("7");
    await userEvent.click(await screen.findByRole("button", { name: "Withdraw" }));

    expect(await screen.findByRole("status")).toHaveTextContent("The authorization link was withdrawn");
    expect(api.callsTo("DELETE /api/edits/:id/consent-links/:link")[0]!.params.link).toBe("8");
    expect(screen.getByRole("button", { name: "Send authorization link" })).toBeInTheDocument();
  });

  it("says the holder is at Amazon, and when a link expired or was not finished", async () => {
    let links = [link({ status: "opened", openedAt: "2026-11-24T08:00:00Z" })];
    fakeApi({ "GET /api/edits/:id": () => draft({ consentLinks: links }) });
    const view = renderPanel();

    expect(
      await screen.findByText(/holder@example.com opened the authorization link on .* at Amazon/),
    ).toBeVisible();
    expect(screen.queryByRole("button", { name: "Resend" })).not.toBeInTheDocument();
    view.unmount();
    links = [link({ status: "expired" })];
    renderPanel();
    expect(await screen.findByText(/expired on .+ unused: send it again/)).toBeVisible();
    expect(screen.getByRole("button", { name: "Resend" })).toBeInTheDocument();
  });

  it("names the server's reason when the address is refused", async () => {
    fakeApi({
      "GET /api/edits/:id": draft(),
      "POST /api/edits/:id/regions/:region/consent-links": reply(400, {
        error: "bad_input",
        message: "Invalid body.",
        fields: { email: "not an e-mail address" },
      }),
    });
    renderPanel();

    await userEvent.type(await screen.findByLabelText(/account holder/), "someone@example");
    await userEvent.click(screen.getByRole("button", { name: "Send authorization link" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("not an e-mail address");
  });

  it("sits in each region's credentials panel of an account owner's draft, for admins", async () => {
    fakeApi({
      ...basics("admin"),
      "GET /api/companies/1/amazon": settings("US"),
      "GET /api/edits/:id": draft({ consentLinks: [link({ region: "EU" })] }),
    });
    renderApp(`/companies/1/amazon?edit=${EDIT}`);

    const na = await screen.findByRole("region", { name: "NA credentials" });
    expect(await within(na).findByRole("button", { name: "Send authorization link" })).toBeInTheDocument();
    const eu = screen.getByRole("region", { name: "EU credentials" });
    expect(within(eu).getByText(/Authorization link sent to holder@example.com/)).toBeVisible();
  });
});
