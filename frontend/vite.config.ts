/// <reference types="vitest/config" />
import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const backend = "http://127.0.0.1:8765";

export default defineConfig({
  plugins: [react()],
  base: "/",
  // No source maps in the build: it is what production serves, and maps would hand out the whole source.
  // `npm run dev` still has them.
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // Two pages: the app (index.html) and the API documentation the server answers at /schema (schema.html).
    rolldownOptions: {
      input: {
        index: resolve(import.meta.dirname, "index.html"),
        schema: resolve(import.meta.dirname, "schema.html"),
      },
    },
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(
      // /schema and /schema/… only: /schema.html is the documentation page itself, served here with hot reload.
      ["/api", "/oauth", "/_sim", "^/schema(/|$)"].map((prefix) => [prefix, { target: backend }]),
    ),
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    css: false,
  },
});
