import { parentPort } from "node:worker_threads";
import { renderQr, type QrFormat } from "./links";

/** Draws QR codes off the main thread: { id, format, url } in, { id, output } or { id, error } out. */
parentPort!.on("message", (job: { id: number; format: QrFormat; url: string }) => {
  renderQr(job.format, job.url).then(
    (output) => parentPort!.postMessage({ id: job.id, output }),
    (error: unknown) => parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
