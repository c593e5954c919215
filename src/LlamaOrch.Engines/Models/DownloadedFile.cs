namespace LlamaOrch.Engines.Models;

/// <summary>A download moved into place under its final name.</summary>
internal sealed record DownloadedFile(string Path, long SizeBytes, string Sha256);
