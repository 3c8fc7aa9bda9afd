import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router";
import { connectSessionExpiry, makeQueryClient } from "./app";
import "./i18n";
import { routes } from "./routes";
import "./styles.css";

const queryClient = makeQueryClient();
const router = createBrowserRouter(routes);
connectSessionExpiry(router);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
