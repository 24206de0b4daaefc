import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { router } from "./router";
import "./styles.css";

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");

const queryClient = new QueryClient({
  defaultOptions: {
    // A 4xx is the server's answer, not a glitch: show it at once instead of retrying.
    queries: { retry: (count, err) => count < 2 && !(err instanceof Error && "status" in err && Number(err.status) >= 400 && Number(err.status) < 500), refetchOnWindowFocus: false },
  },
});

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
