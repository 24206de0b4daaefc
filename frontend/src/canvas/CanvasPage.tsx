export default function CanvasPage() {
  return <h1>CanvasPage</h1>;
}
