// Client-side routes. Each page is its own chunk (route-level code splitting): the canvas and the
// chart library load only on the pages that draw them.

import { lazy } from "react";
import { createBrowserRouter, Navigate } from "react-router";
import { Layout } from "./components/Layout";
import { RouteError } from "./components/RouteError";

const DatasetsPage = lazy(() => import("./pages/datasets/DatasetsPage"));
const DatasetPage = lazy(() => import("./pages/datasets/DatasetPage"));
const CanvasPage = lazy(() => import("./canvas/CanvasPage"));
const JobsPage = lazy(() => import("./pages/jobs/JobsPage"));
const JobPage = lazy(() => import("./pages/jobs/JobPage"));
const ModelsPage = lazy(() => import("./pages/models/ModelsPage"));
const ModelPage = lazy(() => import("./pages/models/ModelPage"));
const ComparePage = lazy(() => import("./pages/models/ComparePage"));
const DeploymentsPage = lazy(() => import("./pages/deployments/DeploymentsPage"));
const DeploymentPage = lazy(() => import("./pages/deployments/DeploymentPage"));
const SettingsPage = lazy(() => import("./pages/settings/SettingsPage"));

export const router = createBrowserRouter([
  {
    path: "/",
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/canvas" replace /> },
      { path: "datasets", element: <DatasetsPage /> },
      { path: "datasets/:datasetId", element: <DatasetPage /> },
      { path: "canvas", element: <CanvasPage /> },
      { path: "canvas/:pipelineId", element: <CanvasPage /> },
      { path: "jobs", element: <JobsPage /> },
      { path: "jobs/:jobId", element: <JobPage /> },
      { path: "models", element: <ModelsPage /> },
      { path: "models/:modelName", element: <ModelPage /> },
      { path: "models/:modelName/compare", element: <ComparePage /> },
      { path: "deployments", element: <DeploymentsPage /> },
      { path: "deployments/:deploymentId", element: <DeploymentPage /> },
      { path: "settings", element: <SettingsPage /> },
      { path: "*", element: <RouteError notFound /> },
    ],
  },
]);
