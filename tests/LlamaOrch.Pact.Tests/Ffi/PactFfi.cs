using System.Runtime.InteropServices;

namespace LlamaOrch.Pact.Tests.Ffi;

/// <summary>
/// The C functions of libpact_ffi this project calls (pact_ffi's <c>pact.h</c>; the library ships in the npm package
/// <c>@pact-foundation/pact-core-linux-x64-glibc</c>, pinned by <c>build/npm/package-lock.json</c>). Handles are the
/// library's: a pact is a <c>uint16</c>, an interaction a <c>uint32</c>, a mock server its port, a verifier a pointer.
/// Strings the library returns are either its own (read, never freed) or the caller's to free with
/// <see cref="pactffi_string_delete"/>; each declaration says which.
/// </summary>
internal static partial class PactFfi
{
    private const string Library = "pact_ffi";

    public const int PartRequest = 0;
    public const int PartResponse = 1;
    public const int SpecificationV4 = 5;

    /// <summary>Info: the level at which the mock server and verifier log the mismatches they find.</summary>
    public const int LogLevelInfo = 3;

    static PactFfi() => NativeLibrary.SetDllImportResolver(typeof(PactFfi).Assembly, PactLibrary.Resolve);

    // The library's own string: not freed.
    [LibraryImport(Library)]
    public static partial IntPtr pactffi_version();

    /// <summary>Sends the library's log to a buffer per mock server / verifier (read back by the logs functions).</summary>
    [LibraryImport(Library)]
    public static partial int pactffi_log_to_buffer(int levelFilter);

    /// <summary>Sends the library's log to a file instead, as it goes (<c>LLORCH_PACT_TRACE</c>: a hung verification shows where it is).</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pactffi_log_to_file(string fileName, int levelFilter);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial ushort pactffi_new_pact(string consumer, string provider);

    [LibraryImport(Library)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool pactffi_with_specification(ushort pact, int version);

    [LibraryImport(Library)]
    public static partial uint pactffi_free_pact_handle(ushort pact);

    /// <summary>0 on success; 1 a panic, 2 the file could not be written.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pactffi_pact_handle_write_file(ushort pact, string directory, [MarshalAs(UnmanagedType.U1)] bool overwrite);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint pactffi_new_interaction(ushort pact, string description);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool pactffi_upon_receiving(uint interaction, string description);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool pactffi_given(uint interaction, string description);

    /// <summary>A provider state with parameters, given as one JSON object: 0 on success, 1 unreadable JSON, 2 a panic, 3 a bad handle.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pactffi_given_with_params(uint interaction, string description, string parametersJson);

    /// <summary><paramref name="path"/> is a literal or a matcher in the library's integration JSON.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool pactffi_with_request(uint interaction, string method, string path);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool pactffi_with_query_parameter_v2(uint interaction, string name, nuint index, string value);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool pactffi_with_header_v2(uint interaction, int part, string name, nuint index, string value);

    [LibraryImport(Library)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool pactffi_response_status(uint interaction, ushort status);

    /// <summary>A JSON body may hold matchers and generators in the integration JSON; any other body is taken as it is.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool pactffi_with_body(uint interaction, int part, string contentType, string body);

    /// <summary>Matching rules in the pact file's own form (V4), e.g. <c>{"body": {"$": {"matchers": [...]}}}</c>.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool pactffi_with_matching_rules(uint interaction, int part, string rules);

    /// <summary>The bound port, or a negative error (-1 null pointer, -3 could not start, -4 panic, -5 bad address).</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pactffi_create_mock_server_for_transport(ushort pact, string address, ushort port, string transport, string? transportConfig);

    [LibraryImport(Library)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool pactffi_mock_server_matched(int port);

    // The mock server's own string (JSON array of mismatches), valid until cleanup: not freed.
    [LibraryImport(Library)]
    public static partial IntPtr pactffi_mock_server_mismatches(int port);

    // The mock server's own string: not freed.
    [LibraryImport(Library)]
    public static partial IntPtr pactffi_mock_server_logs(int port);

    [LibraryImport(Library)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool pactffi_cleanup_mock_server(int port);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr pactffi_verifier_new_for_application(string name, string version);

    [LibraryImport(Library)]
    public static partial void pactffi_verifier_shutdown(IntPtr verifier);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void pactffi_verifier_set_provider_info(IntPtr verifier, string name, string scheme, string host, ushort port, string path);

    /// <summary>The state-change URL; <paramref name="teardown"/> also calls it after each interaction, <paramref name="body"/> sends the state as JSON.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void pactffi_verifier_set_provider_state(IntPtr verifier, string url, byte teardown, byte body);

    [LibraryImport(Library)]
    public static partial int pactffi_verifier_set_verification_options(IntPtr verifier, byte disableSslVerification, ulong requestTimeoutMs);

    [LibraryImport(Library)]
    public static partial int pactffi_verifier_set_coloured_output(IntPtr verifier, byte coloured);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void pactffi_verifier_add_custom_header(IntPtr verifier, string name, string value);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void pactffi_verifier_add_file_source(IntPtr verifier, string file);

    /// <summary>0 all verified; 1 a verification failed; 2 null pointer; 3 panic; 4 invalid arguments.</summary>
    [LibraryImport(Library)]
    public static partial int pactffi_verifier_execute(IntPtr verifier);

    // The caller's string: freed with pactffi_string_delete.
    [LibraryImport(Library)]
    public static partial IntPtr pactffi_verifier_output(IntPtr verifier, byte stripAnsi);

    // The caller's string: freed with pactffi_string_delete.
    [LibraryImport(Library)]
    public static partial IntPtr pactffi_verifier_json(IntPtr verifier);

    [LibraryImport(Library)]
    public static partial void pactffi_string_delete(IntPtr text);

    /// <summary>Reads a string the library keeps.</summary>
    public static string Borrowed(IntPtr text) => text == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(text) ?? "";

    /// <summary>Reads a string the library handed over, and frees it.</summary>
    public static string Owned(IntPtr text)
    {
        if (text == IntPtr.Zero) return "";
        try
        {
            return Marshal.PtrToStringUTF8(text) ?? "";
        }
        finally
        {
            pactffi_string_delete(text);
        }
    }
}
