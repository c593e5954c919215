namespace LlamaOrch.Testing;

/// <summary>A stand-in nvidia-smi: a shell script that records its arguments and prints a given output.</summary>
internal static class FakeNvidiaSmi
{
    /// <summary>Writes the script into <paramref name="directory"/>; its arguments land in <c>directory/args</c>.</summary>
    public static string Create(string directory, string output, int exitCode = 0)
    {
        var data = Path.Combine(directory, "output");
        File.WriteAllText(data, output);
        var script = Path.Combine(directory, "nvidia-smi");
        File.WriteAllText(script, $"#!/bin/sh\necho \"$@\" > '{directory}/args'\ncat '{data}'\nexit {exitCode}\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }
}
