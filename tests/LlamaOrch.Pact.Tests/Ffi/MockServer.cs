namespace LlamaOrch.Pact.Tests.Ffi;

/// <summary>
/// A running Pact mock server (Rust, in this process) that answers each expected request with its response and records
/// every request that did not match. Disposing shuts it down.
/// </summary>
internal sealed class MockServer : IDisposable
{
    private bool _disposed;

    internal MockServer(int port)
    {
        Port = port;
        Address = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri Address { get; }

    /// <summary>True when every interaction was requested and no request went unmatched.</summary>
    public bool AllMatched => PactFfi.pactffi_mock_server_matched(Port);

    /// <summary>The mismatches as the library reports them (JSON, indented): missing requests, unexpected ones, wrong fields.</summary>
    public string Mismatches => IndentedJson.Format(PactFfi.Borrowed(PactFfi.pactffi_mock_server_mismatches(Port)));

    /// <summary>The mock server's log lines.</summary>
    public string Logs => PactFfi.Borrowed(PactFfi.pactffi_mock_server_logs(Port));

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        PactFfi.pactffi_cleanup_mock_server(Port);
    }
}
