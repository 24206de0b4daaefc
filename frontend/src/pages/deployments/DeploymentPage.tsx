import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { client, unwrap } from "../../api/client";
import { asSignature } from "../../api/contracts";
import { Empty, ErrorState, Loading } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDate } from "../../lib/format";
import { useVersion } from "../models/queries";
import { buildRow, initialValues } from "./predictionForm";
import { PredictionForm } from "./PredictionForm";
import { PredictionResult, type Prediction } from "./PredictionResult";
import { useDeployment } from "./queries";
import { RolloutPanel } from "./RolloutPanel";
import { BatchPanel } from "./BatchPanel";
import { CanaryStats } from "./CanaryStats";
import { DriftPanel } from "./DriftPanel";
import { Snippets } from "./Snippets";
import { UndeployButton } from "./UndeployButton";

export default function DeploymentPage() {
  const { deploymentId = "" } = useParams();
  const navigate = useNavigate();
  const deployment = useDeployment(deploymentId);
  const d = deployment.data;
  const version = useVersion(d?.model_name ?? "", d === undefined ? null : String(d.model_version));
  const signature = asSignature(version.data?.signature);
  const datasetId = version.data?.lineage.dataset_id;
  const example = useQuery({
    queryKey: ["datasets", datasetId, "rows", 0, 1],
    enabled: datasetId !== undefined,
    queryFn: ({ signal }) =>
      unwrap(
        client.GET("/api/v1/datasets/{dataset_id}/rows", { params: { path: { dataset_id: datasetId ?? "" }, query: { offset: 0, limit: 1 } }, signal }),
      ),
    retry: false,
  });
  const exampleRow = example.data?.rows[0] ?? null;
  const [row, setRow] = useState<Record<string, unknown> | null>(null);
  const [outcome, setOutcome] = useState<{ result: Prediction; latencyMs: number } | null>(null);
  const predict = useMutation({
    mutationFn: async (input: Record<string, unknown>) => {
      const t0 = performance.now();
      const result = await unwrap(
        client.POST("/api/v1/deployments/{deployment_id}/predict", { params: { path: { deployment_id: deploymentId } }, body: { rows: [input] } }),
      );
      return { result, latencyMs: performance.now() - t0 };
    },
    onSuccess: setOutcome,
  });

  if (deployment.isPending) return <Loading what="deployment" />;
  if (deployment.isError) return <ErrorState title={`Could not open deployment ${deploymentId}`} error={deployment.error} />;
  const dep = deployment.data;
  const exampleSettled = datasetId === undefined || !example.isPending;
  const currentRow = row ?? (signature !== null ? buildRow(signature.inputs, initialValues(signature.inputs, exampleRow)) : {});
  return (
    <div className="page">
      <div className="page-head">
        <h1>{dep.name}</h1>
        <StatusBadge status={dep.status} />
        <div className="actions">
          {dep.status !== "DELETED" && <UndeployButton id={dep.id} name={dep.name} onDone={() => navigate("/deployments")} />}
        </div>
      </div>
      <dl className="facts">
        <div>
          <dt>Model</dt>
          <dd>
            <Link to={`/models/${encodeURIComponent(dep.model_name)}`}>
              {dep.model_name} v{dep.model_version}
            </Link>
            {dep.model_alias && <span className="tag alias-tag">{dep.model_alias}</span>}
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDate(dep.created_at)}</dd>
        </div>
        <div>
          <dt>Endpoint</dt>
          <dd>
            <code>POST /api/v1/deployments/{dep.id}/predict</code>
          </dd>
        </div>
      </dl>
      <RolloutPanel dep={dep} />
      {dep.status !== "DELETED" && <CanaryStats deploymentId={dep.id} />}
      <section className="panel" aria-labelledby="predict-title">
        <div className="panel-head">
          <h2 id="predict-title">Try a prediction</h2>
          {exampleRow !== null && <span className="muted">prefilled from the first row of the training dataset</span>}
        </div>
        {version.isPending && <Loading what="model signature" />}
        {version.isError && <ErrorState title={`Could not read ${dep.model_name} v${dep.model_version}`} error={version.error} />}
        {version.data !== undefined && signature === null && <Empty>This model version has no input signature to build a form from.</Empty>}
        {signature !== null && !exampleSettled && <Loading what="an example row" />}
        {signature !== null && exampleSettled && (
          <PredictionForm
            key={exampleRow === null ? "empty" : "example"}
            inputs={signature.inputs}
            example={exampleRow}
            busy={predict.isPending || dep.status === "DELETED"}
            onChange={setRow}
            onSubmit={(input) => predict.mutate(input)}
          />
        )}
        {predict.isError && <ErrorState title="The prediction failed" error={predict.error} />}
        {outcome !== null && <PredictionResult result={outcome.result} latencyMs={outcome.latencyMs} />}
      </section>
      {signature !== null && (
        <section className="panel" aria-labelledby="snippets-title">
          <div className="panel-head">
            <h2 id="snippets-title">Call it from code</h2>
          </div>
          <Snippets origin={window.location.origin} deploymentId={dep.id} rows={[currentRow]} />
        </section>
      )}
      {dep.status !== "DELETED" && <BatchPanel deploymentId={dep.id} modelName={dep.model_name} />}
      {dep.status !== "DELETED" && <DriftPanel dep={dep} />}
    </div>
  );
}
