import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { client, unwrap } from "../../api/client";
import { Empty, ErrorState, Loading } from "../../components/States";
import { formatCell } from "../../lib/format";

const PAGE_SIZES = [25, 50, 100];

/** A dataset version's rows, a page at a time (GET /datasets/{id}/rows). */
export function RowsTable({ datasetId, version, totalRows }: { datasetId: string; version: number; totalRows: number }) {
  const [offset, setOffset] = useState(0);
  const [limit, setLimit] = useState(25);
  const rows = useQuery({
    queryKey: ["datasets", datasetId, "rows", version, offset, limit],
    queryFn: ({ signal }) =>
      unwrap(
        client.GET("/api/v1/datasets/{dataset_id}/rows", { params: { path: { dataset_id: datasetId }, query: { offset, limit, version } }, signal }),
      ),
    placeholderData: keepPreviousData,
  });
  const total = rows.data?.total ?? totalRows;
  const last = Math.min(offset + limit, total);
  return (
    <section className="panel" aria-labelledby="rows-title">
      <div className="panel-head">
        <h2 id="rows-title">Rows</h2>
        <label className="inline-field">
          Rows per page
          <select
            value={limit}
            onChange={(e) => {
              setLimit(Number(e.target.value));
              setOffset(0);
            }}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {rows.isPending && <Loading what="rows" />}
      {rows.isError && <ErrorState title="Could not read the rows" error={rows.error} />}
      {rows.data !== undefined && rows.data.rows.length === 0 && <Empty>This dataset has no rows.</Empty>}
      {rows.data !== undefined && rows.data.rows.length > 0 && (
        <>
          <div className="table-scroll rows-scroll" tabIndex={0} role="region" aria-label="Dataset rows">
            <table className="data-table compact" aria-describedby="rows-range">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  {rows.data.columns.map((c) => (
                    <th scope="col" key={c.name} title={c.dtype}>
                      {c.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.data.rows.map((row, i) => (
                  <tr key={rows.data.offset + i}>
                    <td className="muted">{rows.data.offset + i + 1}</td>
                    {rows.data.columns.map((c) => (
                      <td key={c.name}>{formatCell(row[c.name])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <button type="button" onClick={() => setOffset(Math.max(0, offset - limit))} disabled={offset === 0 || rows.isFetching}>
              Previous page
            </button>
            <span id="rows-range" aria-live="polite">
              Rows {total === 0 ? 0 : offset + 1}–{last} of {total.toLocaleString("en-US")}
            </span>
            <button type="button" onClick={() => setOffset(offset + limit)} disabled={last >= total || rows.isFetching}>
              Next page
            </button>
          </div>
        </>
      )}
    </section>
  );
}
