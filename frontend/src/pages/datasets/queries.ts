// The dataset queries shared by the list, the upload and the dataset page.

import { useQuery } from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "../../api/client";

export type Dataset = Schemas["DatasetPublic"];

const POLL_MS = 1000;

export const datasetKeys = {
  all: ["datasets"] as const,
  one: (id: string) => ["datasets", id] as const,
};

/** A dataset, polled while it is being ingested (PENDING) and left alone once settled. */
export function useDataset(id: string | null) {
  return useQuery({
    queryKey: datasetKeys.one(id ?? ""),
    enabled: id !== null,
    queryFn: () => unwrap(client.GET("/api/v1/datasets/{dataset_id}", { params: { path: { dataset_id: id ?? "" } } })),
    refetchInterval: (query) => (query.state.data?.status === "PENDING" ? POLL_MS : false),
  });
}

/** A dataset's READY versions, newest first; keyed by its status too, so a version appears
 * when the dataset turns READY. */
export function useVersions(id: string, status: string) {
  return useQuery({
    queryKey: [...datasetKeys.one(id), "versions", status],
    queryFn: () => unwrap(client.GET("/api/v1/datasets/{dataset_id}/versions", { params: { path: { dataset_id: id } } })),
  });
}
