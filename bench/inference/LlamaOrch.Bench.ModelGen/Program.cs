using System.Globalization;
using LlamaOrch.Engines.Gguf;

// Writes the benchmark's random llama model: llorch-bench-modelgen OUT.gguf [--seed N]
// The shape is fixed (about 100M parameters, F16), so one seed always gives the same bytes.
if (args.Length is not (1 or 3) || (args.Length == 3 && args[1] != "--seed"))
{
    Console.Error.WriteLine("usage: llorch-bench-modelgen OUT.gguf [--seed N]");
    return 2;
}

var path = Path.GetFullPath(args[0]);
var seed = args.Length == 3 ? ulong.Parse(args[2], CultureInfo.InvariantCulture) : 1UL;
var shape = new LlamaModelShape(
    VocabSize: 32000, EmbeddingLength: 768, BlockCount: 8, HeadCount: 12, HeadCountKv: 4,
    FeedForwardLength: 2048, ContextLength: 2048);
await RandomLlamaModelWriter.WriteFileAsync(path, shape, GgmlType.F16, seed);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{path}: {shape.ParameterCount:N0} parameters, F16, seed {seed}, {new FileInfo(path).Length:N0} bytes"));
return 0;
