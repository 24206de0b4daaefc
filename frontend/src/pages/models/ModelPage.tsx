export default function ModelPage() {
  return <h1>ModelPage</h1>;
}
