// Uploads go through XMLHttpRequest: fetch() cannot report upload progress, and a person
// uploading a large file needs to see it move.

import { projectHeaders } from "./project";
import { csrfHeaders, toApiError, ApiError, type Schemas } from "./client";

export type Dataset = Schemas["DatasetPublic"];

export interface UploadProgress {
  loaded: number;
  total: number;
}

export function uploadDataset(
  file: File,
  onProgress?: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<Dataset> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/datasets");
    xhr.setRequestHeader("Accept", "application/json");
    for (const [name, value] of Object.entries(csrfHeaders("POST"))) xhr.setRequestHeader(name, value);
    for (const [name, value] of Object.entries(projectHeaders())) xhr.setRequestHeader(name, value);
    xhr.responseType = "text";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.({ loaded: event.loaded, total: event.total });
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = xhr.responseText;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Dataset);
      else reject(toApiError(xhr.status, xhr.statusText, body));
    };
    xhr.onerror = () => reject(new ApiError("UNAVAILABLE", "Could not reach the Skyulf gateway", 0));
    xhr.onabort = () => reject(new DOMException("upload cancelled", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
