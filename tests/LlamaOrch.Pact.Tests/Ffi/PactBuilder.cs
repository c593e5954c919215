namespace LlamaOrch.Pact.Tests.Ffi;

/// <summary>
/// A pact being written (Pact specification V4) between a consumer and a provider: its interactions, the mock server that
/// plays them, and the file it is written to. Disposing frees the library's handle.
/// </summary>
internal sealed class PactBuilder : IDisposable
{
    private readonly ushort _handle;
    private bool _disposed;

    public PactBuilder(string consumer, string provider)
    {
        PactLibrary.EnsureLogging();
        _handle = PactFfi.pactffi_new_pact(consumer, provider);
        Check(PactFfi.pactffi_with_specification(_handle, PactFfi.SpecificationV4), "set the specification to V4");
        Consumer = consumer;
        Provider = provider;
    }

    public string Consumer { get; }

    public string Provider { get; }

    /// <summary>The file name the library gives this pact: <c>{consumer}-{provider}.json</c>.</summary>
    public string FileName => $"{Consumer}-{Provider}.json";

    /// <summary>A new request/response interaction with this description (unique within the pact).</summary>
    public Interaction UponReceiving(string description)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var interaction = PactFfi.pactffi_new_interaction(_handle, description);
        Check(PactFfi.pactffi_upon_receiving(interaction, description), $"describe interaction '{description}'");
        return new Interaction(interaction, description);
    }

    /// <summary>Starts the mock server for every interaction added so far, on 127.0.0.1 and a free port.</summary>
    public MockServer StartMockServer()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var port = PactFfi.pactffi_create_mock_server_for_transport(_handle, "127.0.0.1", 0, "http", null);
        if (port <= 0) throw new InvalidOperationException($"the Pact mock server did not start (libpact_ffi error {port})");
        return new MockServer(port);
    }

    /// <summary>Writes the pact into <paramref name="directory"/> (replacing a file of the same name); returns its path.</summary>
    public string WriteTo(string directory)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = PactFfi.pactffi_pact_handle_write_file(_handle, directory, overwrite: true);
        if (result != 0) throw new InvalidOperationException($"the pact could not be written to {directory} (libpact_ffi error {result})");
        return Path.Combine(directory, FileName);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        PactFfi.pactffi_free_pact_handle(_handle);
    }

    internal static void Check(bool ok, string what)
    {
        if (!ok) throw new InvalidOperationException($"libpact_ffi refused to {what}");
    }
}
