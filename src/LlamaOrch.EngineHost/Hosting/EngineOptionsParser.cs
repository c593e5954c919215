using System.Diagnostics;
using System.Globalization;
using System.Net;
using LlamaOrch.EngineHost.Simulation;

namespace LlamaOrch.EngineHost.Hosting;

/// <summary>
/// Parses the subset of llama-server's command line that llorch-engine understands, under the same names, so
/// the supervisor can start either binary with one argument list.
/// </summary>
internal static class EngineOptionsParser
{
    public const int DefaultPort = 8080;
    public const int DefaultContextPerSlot = 4096;

    public const string Usage = """
        Usage: llorch-engine -m REF [options]

          -m, --model REF        model to serve: a GGUF file (a path or file:/abs/path.gguf), or
                                 sim:NAME[?tps=N][&vram_mib=M]  synthetic tokens, N per second per slot (default 50, 0 = unpaced);
                                 M is the GPU memory orchestratord places it as needing (the engine allocates none)
          -t, --threads N        llama.cpp threads (default 1: on small machines more can be much slower)
              --lib-dir DIR      llama.cpp libraries to use instead of the shipped ones (e.g. a CUDA build)
          -ngl, --n-gpu-layers N layers to offload to the GPU (default -1: all; no effect on the CPU build)
              --host ADDR        address to listen on (default 127.0.0.1)
              --port N           port to listen on (default 8080, 0 = any free port)
          -np, --parallel N      number of slots (default 1)
          -c, --ctx-size N       context size across all slots; each slot gets N / slots
                                 (default and 0: 4096 per slot)
          -fa, --flash-attn V    flash attention: on, off or auto (default auto, as llama-server; on a CPU
                                 with a tiny model, off can decode batches much faster)
              --embedding        also serve POST /embedding (mean-pooled, L2-normalised vectors)
              --reranking        also serve POST /rerank (needs a model with a classification head)
              --metrics          accepted for llama-server compatibility; /metrics is always served
          -h, --help             print this text

        Environment: LLORCH_PARENT_PID=PID makes the engine exit once that process is gone.
        """;

    public static EngineOptionsParseResult Parse(IReadOnlyList<string> args)
    {
        string? model = null;
        var address = IPAddress.Loopback;
        var port = DefaultPort;
        var slots = 1;
        var totalContext = 0;
        var threads = 1;
        string? libraryDirectory = null;
        var embedding = false;
        var reranking = false;
        var flashAttention = -1;
        var gpuLayers = -1;

        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            switch (name)
            {
                case "-h" or "--help":
                    return EngineOptionsParseResult.Help;
                case "--metrics":
                    continue;
                case "--embedding" or "--embeddings":
                    embedding = true;
                    continue;
                case "--reranking" or "--rerank":
                    reranking = true;
                    continue;
            }

            if (!IsValued(name))
            {
                return EngineOptionsParseResult.Failure($"unknown argument '{name}'");
            }

            if (i + 1 >= args.Count)
            {
                return EngineOptionsParseResult.Failure($"argument '{name}' needs a value");
            }

            var value = args[++i];
            if (name is "-m" or "--model")
            {
                model = value;
                continue;
            }

            if (name is "--lib-dir")
            {
                libraryDirectory = value;
                continue;
            }

            if (name is "-fa" or "--flash-attn")
            {
                if (ParseFlashAttention(value) is not { } setting)
                    return EngineOptionsParseResult.Failure($"argument '{name}': '{value}' is not on, off or auto");
                flashAttention = setting;
                continue;
            }

            var error = name switch
            {
                "--host" => ParseAddress(name, value, out address),
                "--port" => ParseInt(name, value, 0, IPEndPoint.MaxPort, out port),
                "-np" or "--parallel" => ParseInt(name, value, 1, int.MaxValue, out slots),
                "-c" or "--ctx-size" => ParseInt(name, value, 0, int.MaxValue, out totalContext),
                "-t" or "--threads" => ParseInt(name, value, 1, 1024, out threads),
                "-ngl" or "--n-gpu-layers" or "--gpu-layers" => ParseInt(name, value, -1, int.MaxValue, out gpuLayers),
                _ => throw new UnreachableException($"'{name}' is valued but has no parser"),
            };
            if (error is not null)
            {
                return EngineOptionsParseResult.Failure(error);
            }
        }

        if (model is null)
        {
            return EngineOptionsParseResult.Failure("argument '-m/--model' is required");
        }

        SimModelRef? simModel = null;
        if (SimModelRef.IsSimRef(model) && !SimModelRef.TryParse(model, out simModel, out var modelError))
        {
            return EngineOptionsParseResult.Failure($"argument '--model': {modelError}");
        }

        var contextPerSlot = totalContext == 0 ? DefaultContextPerSlot : totalContext / slots;
        if (contextPerSlot < 1)
        {
            return EngineOptionsParseResult.Failure(
                $"argument '--ctx-size': {totalContext} tokens across {slots} slots leaves no context per slot");
        }

        return EngineOptionsParseResult.Success(new EngineOptions(
            model, simModel, simModel is null ? ModelPathOf(model) : null, address, port, slots, contextPerSlot, threads, libraryDirectory, embedding, gpuLayers, reranking, flashAttention));
    }

    private static bool IsValued(string name) =>
        name is "-m" or "--model" or "--host" or "--port" or "-np" or "--parallel" or "-c" or "--ctx-size"
            or "-t" or "--threads" or "--lib-dir" or "-ngl" or "--n-gpu-layers" or "--gpu-layers" or "-fa" or "--flash-attn";

    /// <summary>llama-server's spellings: on/off/auto and their truthy and falsy synonyms.</summary>
    private static int? ParseFlashAttention(string value) => value.ToLowerInvariant() switch
    {
        "on" or "enabled" or "true" or "1" => 1,
        "off" or "disabled" or "false" or "0" => 0,
        "auto" or "-1" => -1,
        _ => null,
    };

    /// <summary>The file of a <c>file:</c> or plain-path ref; null for refs that must be resolved (hf:, https:).</summary>
    private static string? ModelPathOf(string model)
    {
        if (model.StartsWith("file:", StringComparison.Ordinal)) return model["file:".Length..];
        return model.Contains("://", StringComparison.Ordinal) || model.StartsWith("hf:", StringComparison.Ordinal) ? null : model;
    }

    private static string? ParseAddress(string name, string value, out IPAddress address)
    {
        if (string.Equals(value, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
            return null;
        }

        if (IPAddress.TryParse(value, out var parsed))
        {
            address = parsed;
            return null;
        }

        address = IPAddress.Loopback;
        return $"argument '{name}': '{value}' is not an IP address or 'localhost'";
    }

    private static string? ParseInt(string name, string value, int min, int max, out int result)
    {
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result)
            && result >= min && result <= max)
        {
            return null;
        }

        return max == int.MaxValue
            ? $"argument '{name}': '{value}' is not an integer >= {min}"
            : $"argument '{name}': '{value}' is not an integer from {min} to {max}";
    }
}
