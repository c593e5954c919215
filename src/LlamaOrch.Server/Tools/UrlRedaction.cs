using System.Text;
using System.Text.RegularExpressions;
using LlamaOrch.Core.Policy;

namespace LlamaOrch.Server.Tools;

/// <summary>
/// A URL as the audit log may keep it: user info and the fragment dropped (a fragment is never sent, and OAuth
/// puts tokens there), the value of every query parameter whose name looks like a credential (token, key, secret,
/// password, signature, auth, code…) replaced by <c>REDACTED</c>, and then the secret patterns (built-in and the
/// operator's) run over the whole of it, so a key in the path or under an innocent parameter name is masked too.
/// </summary>
internal static partial class UrlRedaction
{
    public const string Mask = "REDACTED";

    public static string Redact(Uri url, SecretRedactor redactor)
    {
        var builder = new UriBuilder(url) { UserName = string.Empty, Password = string.Empty, Fragment = string.Empty };
        var query = url.Query.TrimStart('?');
        if (query.Length > 0)
        {
            var redacted = new StringBuilder();
            foreach (var pair in query.Split('&'))
            {
                if (redacted.Length > 0) redacted.Append('&');
                var equals = pair.IndexOf('=');
                var name = equals < 0 ? pair : pair[..equals];
                redacted.Append(equals >= 0 && SecretName().IsMatch(Uri.UnescapeDataString(name)) ? $"{name}={Mask}" : pair);
            }
            builder.Query = redacted.ToString();
        }
        return redactor.Redact(builder.Uri.AbsoluteUri, out _);
    }

    [GeneratedRegex("token|key|secret|pass|pwd|auth|sig|credential|session|code", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
