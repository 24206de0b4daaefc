/** A status as a coloured badge (dataset, job and deployment statuses share one look). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status}</span>;
}
