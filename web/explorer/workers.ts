// Monaco runs its language services in web workers. GraphiQL's stock setups load them from a CDN or
// expect a particular bundler; ours are built by web/build.mjs and served next to this bundle.
const WORKERS: Record<string, string> = { json: "json.worker.js", graphql: "graphql.worker.js" };

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return new Worker(`/explorer/assets/${WORKERS[label] ?? "editor.worker.js"}`);
  },
};
