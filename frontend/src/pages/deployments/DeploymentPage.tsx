export default function DeploymentPage() {
  return <h1>DeploymentPage</h1>;
}
