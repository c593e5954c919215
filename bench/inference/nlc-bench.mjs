// node-llama-cpp side of bench/inference: loads one model with the prebuilt libraries of
// @node-llama-cpp/linux-x64 (the same files llorch-engine ships) and generates on N sequences of one
// context, which node-llama-cpp batches into shared decodes.
//
// Usage (driver.py runs it): NLC_DIR=<dir with node_modules/node-llama-cpp> node nlc-bench.mjs '<json config>'
// Config: {model, threads, streams, ctxPerSeq, nPredict, prompt, sampling:{temperature, top_k, top_p, min_p},
//          warmupSeeds:[[seed per stream]], seeds:[[seed per request] per stream]}
// Protocol on stdout, one JSON object a line:
//   {"event":"ready"}                     model and context loaded; then it waits for a line "go" on stdin
//   {"event":"request", ...}              one finished request (warm-up ones carry "warmup":true)
//   {"event":"measure_start"} / {"event":"measure_end"}
// Times are milliseconds of performance.now(). Anything else goes to stderr.
import { createInterface } from "node:readline";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createHash } from "node:crypto";

const cfg = JSON.parse(process.argv[2]);
const nlcDir = process.env.NLC_DIR;
if (!nlcDir) throw new Error("NLC_DIR is not set");
const { getLlama } = await import(pathToFileURL(join(nlcDir, "node_modules/node-llama-cpp/dist/index.js")).href);

const emit = (o) => process.stdout.write(JSON.stringify(o) + "\n");

// build "never" + skipDownload: use the prebuilt binaries or fail; never compile or fetch anything.
const llama = await getLlama({
    gpu: false, build: "never", skipDownload: true, usePrebuiltBinaries: true,
    maxThreads: cfg.threads, logLevel: "warn", progressLogs: false,
});
const model = await llama.loadModel({ modelPath: cfg.model, gpuLayers: 0, useMmap: false });
const context = await model.createContext({
    contextSize: cfg.ctxPerSeq,          // per sequence in node-llama-cpp (the servers take the total)
    sequences: cfg.streams,
    threads: { ideal: cfg.threads, min: cfg.threads },
    batchSize: 512,
});
const sequences = Array.from({ length: cfg.streams }, () => context.getSequence());
const prompt = [...(model.tokens.shouldPrependBosToken ? [model.tokens.bos] : []), ...model.tokenize(cfg.prompt, false)];
const s = cfg.sampling;

// Like the servers' cache_prompt: keep the cached prefix, re-evaluate at least the last prompt token.
async function one(sequence, stream, index, seed, warmup) {
    const cached = sequence.contextTokens;
    let reuse = 0;
    while (reuse < cached.length && reuse < prompt.length - 1 && cached[reuse] === prompt[reuse]) reuse++;
    if (reuse < sequence.nextTokenIndex) await sequence.eraseContextTokenRanges([{ start: reuse, end: sequence.nextTokenIndex }]);
    const tokens = [];
    const t0 = performance.now();
    let first = null, last = null;
    const iterator = sequence.evaluate(prompt.slice(reuse), {
        temperature: s.temperature, topK: s.top_k, topP: s.top_p, minP: s.min_p, seed,
    });
    for await (const token of iterator) {
        if (model.isEogToken(token)) break;
        const now = performance.now();
        if (first === null) first = now;
        last = now;
        tokens.push(token);
        if (tokens.length >= cfg.nPredict) break;
    }
    const t1 = performance.now();
    const text = model.detokenize(tokens);
    emit({
        event: "request", warmup, stream, index, seed, t_send: t0, t_first: first, t_last: last, t_done: t1,
        tokens: tokens.length, frames: tokens.length, prompt_tokens: prompt.length, reused: reuse,
        content_sha: createHash("sha256").update(text).digest("hex").slice(0, 16), content_head: text.slice(0, 60),
    });
}

emit({ event: "ready", prompt_tokens: prompt.length, context_size: context.contextSize });
const rl = createInterface({ input: process.stdin });
for await (const line of rl) if (line.trim() === "go") break;

await Promise.all(sequences.map((seq, i) => one(seq, i, -1, cfg.warmupSeeds[i], true)));
emit({ event: "measure_start", t: performance.now() });
await Promise.all(sequences.map(async (seq, i) => {
    for (let j = 0; j < cfg.seeds[i].length; j++) await one(seq, i, j, cfg.seeds[i][j], false);
}));
emit({ event: "measure_end", t: performance.now() });

await context.dispose();
await model.dispose();
await llama.dispose();
rl.close();
process.exit(0);
