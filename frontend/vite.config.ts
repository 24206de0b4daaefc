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
    // The initial bundle stays small; each page is its own chunk (see src/router.tsx).
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      onwarn(warning, warn) {
        // React Query marks its modules "use client" for React Server Components; a client-only
        // bundle has nothing to preserve.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE" && warning.message.includes("use client")) return;
        warn(warning);
      },
    },
  },
  test: {
    // Component tests opt into a DOM with `// @vitest-environment jsdom` at their top.
    environment: "node",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
