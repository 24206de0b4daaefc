export default function ModelsPage() {
  return <h1>ModelsPage</h1>;
}
