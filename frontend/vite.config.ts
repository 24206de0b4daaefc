import { defineConfig } from "vitest/config";

// The gateway serves the built files at / and the API on the same origin, so the app calls
// relative URLs. In `npm run dev` those are proxied to a gateway on its default port.
const gateway = "http://127.0.0.1:8000";

export default defineConfig({
  // No React plugin: the built-in transformer handles JSX with the automatic runtime.
  oxc: { jsx: { runtime: "automatic" } },
  server: {
    proxy: {
      "/api": gateway,
      "/healthz": gateway,
    },
  },
  build: {
    outDir: "dist",
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
