export default function DeploymentsPage() {
  return <h1>DeploymentsPage</h1>;
}
