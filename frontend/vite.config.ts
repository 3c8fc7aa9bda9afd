/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const backend = "http://127.0.0.1:8765";

export default defineConfig({
  plugins: [react()],
  base: "/",
  // No source maps in the build: it is what production serves, and maps would hand out the whole source.
  // `npm run dev` still has them.
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    port: 5173,
    proxy: Object.fromEntries(
      ["/api", "/oauth", "/_sim", "/schema"].map((prefix) => [prefix, { target: backend }]),
    ),
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    css: false,
  },
});
