using System.Globalization;
using LlamaOrch.EngineProtocol.Gguf;

// Writes the benchmark's random models:
//   llorch-bench-modelgen OUT.gguf [--seed N]              the ~100M-parameter llama model, F16
//   llorch-bench-modelgen OUT.gguf --reranker [--seed N]   a Qwen3-style reranker of stories260K's shape, F32
// The shapes are fixed, so one seed always gives the same bytes.
var options = args.Skip(1).ToList();
var reranker = options.Remove("--reranker");
if (args.Length == 0 || !(options.Count == 0 || (options.Count == 2 && options[0] == "--seed")))
{
    Console.Error.WriteLine("usage: llorch-bench-modelgen OUT.gguf [--reranker] [--seed N]");
    return 2;
}

var path = Path.GetFullPath(args[0]);
var seed = options.Count == 2 ? ulong.Parse(options[1], CultureInfo.InvariantCulture) : 1UL;
var shape = reranker
    ? LlamaModelShape.Stories260K
    : new LlamaModelShape(
        VocabSize: 32000, EmbeddingLength: 768, BlockCount: 8, HeadCount: 12, HeadCountKv: 4,
        FeedForwardLength: 2048, ContextLength: 2048);
var type = reranker ? GgmlType.F32 : GgmlType.F16;
await RandomLlamaModelWriter.WriteFileAsync(path, shape, type, seed, reranker);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{path}: {(reranker ? "reranker, " : "")}{shape.ParameterCount:N0} parameters, {type}, seed {seed}, {new FileInfo(path).Length:N0} bytes"));
return 0;
