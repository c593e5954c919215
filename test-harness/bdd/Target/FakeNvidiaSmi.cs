namespace LlamaOrch.Bdd.Target;

/// <summary>
/// A stand-in nvidia-smi for the runner's orchestratord: the home profile's reference box, an RTX 3090 (24 GB) and
/// an RTX 3060 (12 GB), with some memory held by other programs. No GPU is touched: the <c>sim:</c> replicas placed
/// on them only reserve the memory their <c>vram_mib</c> declares, which is what placement by free VRAM reads.
/// </summary>
internal static class FakeNvidiaSmi
{
    /// <summary>index, uuid, name, total MiB, used MiB, free MiB, utilisation %, as nvidia-smi's CSV query prints them.</summary>
    public const string Inventory = """
        0, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, NVIDIA GeForce RTX 3090, 24576, 1536, 23040, 7
        1, GPU-9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d, NVIDIA GeForce RTX 3060, 12288, 420, 11868, 0

        """;

    /// <summary>Writes the script into <paramref name="directory"/> and returns its path.</summary>
    public static string Create(string directory)
    {
        var data = Path.Combine(directory, "nvidia-smi-output");
        File.WriteAllText(data, Inventory);
        var script = Path.Combine(directory, "nvidia-smi");
        // The compute-apps query (which processes hold memory) lists none, as a driver with no other CUDA process.
        File.WriteAllText(script, $"""
            #!/bin/sh
            case "$1" in
              --query-compute-apps=*) exit 0 ;;
            esac
            cat '{data}'

            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }
}
