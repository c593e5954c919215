namespace LlamaOrch.Pact.Tests.Ffi;

/// <summary>
/// Pact provider verification: replays each interaction of a pact file against a running provider, after asking its
/// provider-state endpoint to set each interaction's states up (and to tear them down after), and compares every
/// response with the pact's expectations.
/// </summary>
internal sealed class Verifier : IDisposable
{
    private readonly VerifierHandle _handle;

    public Verifier(string provider, Uri baseAddress)
    {
        PactLibrary.EnsureLogging();
        var raw = PactFfi.pactffi_verifier_new_for_application("llama-orch-pact-tests", "1.0.0");
        if (raw == IntPtr.Zero) throw new InvalidOperationException("libpact_ffi did not create a verifier");
        _handle = new VerifierHandle(raw);
        PactFfi.pactffi_verifier_set_provider_info(Raw, provider, baseAddress.Scheme, baseAddress.Host, checked((ushort)baseAddress.Port), baseAddress.AbsolutePath);
        PactFfi.pactffi_verifier_set_coloured_output(Raw, 0);
    }

    private IntPtr Raw => _handle.DangerousGetHandle();

    /// <summary>The state-change endpoint: POSTed <c>{"state", "params", "action": "setup"|"teardown"}</c> around each interaction.</summary>
    public Verifier WithProviderStates(Uri url)
    {
        PactFfi.pactffi_verifier_set_provider_state(Raw, url.ToString(), teardown: 1, body: 1);
        return this;
    }

    /// <summary>A header sent with every replayed request (the provider's API token, which no pact should hold).</summary>
    public Verifier WithHeader(string name, string value)
    {
        PactFfi.pactffi_verifier_add_custom_header(Raw, name, value);
        return this;
    }

    public Verifier WithRequestTimeout(TimeSpan timeout)
    {
        var result = PactFfi.pactffi_verifier_set_verification_options(Raw, 0, (ulong)timeout.TotalMilliseconds);
        if (result != 0) throw new InvalidOperationException($"libpact_ffi refused the verification options (error {result})");
        return this;
    }

    public Verifier WithPactFile(string path)
    {
        PactFfi.pactffi_verifier_add_file_source(Raw, path);
        return this;
    }

    /// <summary>Runs the verification (blocking: the library drives its own runtime); the outcome holds its whole report.</summary>
    public VerificationOutcome Execute()
    {
        var code = PactFfi.pactffi_verifier_execute(Raw);
        return new VerificationOutcome(code, PactFfi.Owned(PactFfi.pactffi_verifier_output(Raw, 1)), PactFfi.Owned(PactFfi.pactffi_verifier_json(Raw)));
    }

    public void Dispose() => _handle.Dispose();
}
