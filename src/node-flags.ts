/**
 * V8 flags the server process runs with: `npm start` passes them on its command line (package.json),
 * `npm run dev` and the benchmark's API process take them from here. They must be on the command line:
 * V8 sizes the heap when the process starts, so `v8.setFlagsFromString` in main.ts does not change it
 * (measured: new space stays at its default of 2 × 16 MiB), and Node refuses all but
 * `--max-semi-space-size` in NODE_OPTIONS.
 *
 * `--max-semi-space-size=128`: a larger young generation. A nested read allocates tens of thousands of
 * short-lived objects (rows, entities, edges, the response text); with the default 16 MiB semi-spaces
 * scavenges ran several times per request and garbage collection was ~24 % of the API's CPU under the
 * read load. Objects of a finished request now die young instead of being promoted (BENCHMARKS.md).
 * Measured under the bench's read (50 connections): API Node CPU per request 6.2 ms at 64 MiB, 5.0 ms
 * at 128 MiB and 5.0 ms at 256 MiB; peak resident memory 490, 640 and 880 MiB: 128 is the knee.
 *
 * `--min-semi-space-size=64`: the young generation does not start (or shrink back, when the process
 * was idle) at V8's few MiB. Under the join load it otherwise stayed at 8–16 MiB — V8 grows it only
 * slowly — and was scavenged every ≈ 25 ms while each of 200 requests in flight held its objects:
 * measured over the bench's joins (--trace-gc), 137 scavenges and 11 full collections took 1.0 s of
 * the API's main thread (≈ 14 µs a join, 9 % of its CPU); with 64 MiB, 57 and 8 took 0.7 s, and with
 * 128 MiB no less (52 and 8, 0.76 s).
 *
 * `--no-allocation-site-pretenuring`: V8 does not decide, from what survived a few scavenges, to allocate
 * whatever a site of the code allocates straight into the old generation. Under the read load it
 * decided so in 10 of 26 starts of the API (the sites whose every object had survived, thousands of
 * them, are a page's rows): from then on each request's rows went to the old generation, where they
 * stay until a full collection, and kept the young objects they point to alive through every
 * scavenge. Scavenges promoted ≈ 14 MiB each and took 60–220 ms instead of 2–8, and the API spent
 * 2.5–3.3 ms of CPU per request instead of 1.3–2.2 (its threads other than the main one 0.4–1.05 ms
 * instead of 0.02–0.35), for the life of the process. With the flag none of 12 starts did, and the
 * peak resident memory under the read load fell from 615–626 to 413–429 MiB (BENCHMARKS.md). The
 * size of V8's thread pool (`--v8-pool-size`: one helper or Node's four) made no difference once this
 * was out of the way.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=128", "--min-semi-space-size=64", "--no-allocation-site-pretenuring"];
