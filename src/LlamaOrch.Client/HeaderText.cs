namespace LlamaOrch.Client;

/// <summary>
/// Text the client puts in a request header (the API token, the correlation id): printable ASCII only. A line break
/// would add a header of the caller's making to the request; a non-ASCII character makes the HTTP stack refuse the
/// request, which would read as an unreachable server and be retried for minutes.
/// </summary>
internal static class HeaderText
{
    /// <exception cref="ArgumentException">The value holds a character a header cannot carry; <paramref name="name"/> is its parameter name.</exception>
    public static string Check(string value, string name, string what)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
                throw new ArgumentException($"{what} holds a character an HTTP header cannot carry (a line break, a control or a non-ASCII character)", name);
        }
        return value;
    }
}
