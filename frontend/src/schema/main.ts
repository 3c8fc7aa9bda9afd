/** The API documentation page (/schema): Swagger UI, bundled with the page, reading the server's OpenAPI document. */
import SwaggerUI, { type SwaggerRequest } from "swagger-ui-dist/swagger-ui-es-bundle.js";
import "swagger-ui-dist/swagger-ui.css";

const OPENAPI_URL = "/schema/openapi.json";
const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** "Try it out" on an unsafe operation needs the session's CSRF token, as the page's own requests do. */
async function withCsrfToken(request: SwaggerRequest): Promise<SwaggerRequest> {
  if (!UNSAFE_METHODS.has((request.method ?? "GET").toUpperCase())) return request;
  const me = await fetch("/api/auth/me", {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (me.ok) {
    const { csrfToken } = (await me.json()) as { csrfToken?: string };
    if (csrfToken) request.headers["X-CSRF-Token"] = csrfToken;
  }
  return request;
}

const root = document.getElementById("api-docs");
if (root) {
  SwaggerUI({
    url: OPENAPI_URL,
    domNode: root,
    presets: [SwaggerUI.presets.apis],
    deepLinking: true,
    displayOperationId: true,
    // Swagger UI would otherwise send the document to validator.swagger.io for its badge.
    validatorUrl: null,
    requestInterceptor: withCsrfToken,
  });
}
