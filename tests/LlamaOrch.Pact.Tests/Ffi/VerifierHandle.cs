using System.Runtime.InteropServices;

namespace LlamaOrch.Pact.Tests.Ffi;

/// <summary>The library's verifier, shut down exactly once.</summary>
internal sealed class VerifierHandle : SafeHandle
{
    public VerifierHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        PactFfi.pactffi_verifier_shutdown(handle);
        return true;
    }
}
