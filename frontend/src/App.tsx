import { api } from "./api";
import { DatasetUpload } from "./components/DatasetUpload";
import { NodeCatalogPanel } from "./components/NodeCatalogPanel";
import { ServicesPanel } from "./components/ServicesPanel";

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>Skyulf</h1>
        <p className="tagline">Datasets, pipelines, models and deployments, on your own hardware.</p>
      </header>
      <main className="app-main">
        <ServicesPanel client={api} />
        <DatasetUpload client={api} />
        <NodeCatalogPanel client={api} />
      </main>
    </div>
  );
}
