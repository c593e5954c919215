using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlamaOrch.Bdd.Runner;
using LlamaOrch.Bdd.Target;

namespace LlamaOrch.Bdd.Steps;

/// <summary>
/// One scenario's conversation with orchestratord: the headers its next requests carry, the last response,
/// the SSE frames read last, and values remembered by name for later steps (<c>{name}</c> in paths and bodies).
/// </summary>
internal sealed partial class ApiWorld(ScenarioContext context) : IDisposable
{
    public BddTarget Target { get; } = context.Get<BddTarget>();

    public HttpClient Http { get; } = context.Get<BddTarget>().NewClient();

    /// <summary>Whether requests carry the bearer token, and which (null: the target's own).</summary>
    public bool SendToken { get; set; } = true;

    public string? TokenOverride { get; set; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string> Remembered { get; } = [];

    public HttpResponseMessage? Response { get; private set; }

    public string Body { get; private set; } = "";

    public List<SseFrame> Frames { get; } = [];

    public JsonNode Json => JsonNode.Parse(Body) ?? throw new StepFailedException("the response body is JSON null");

    public HttpResponseMessage LastResponse => Response ?? throw new StepFailedException("no request was sent yet");

    public async Task SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = Request(method, path);
        if (json is not null) request.Content = new StringContent(Fill(json), Encoding.UTF8, "application/json");
        Response?.Dispose();
        Response = await Http.SendAsync(request);
        Body = await Response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// Sends a request whose answer may be a stream: an event stream is read to its end into <see cref="Frames"/>
    /// (the response, with its headers, stays the last one); any other answer is read as <see cref="Body"/>.
    /// </summary>
    public async Task SendForStreamAsync(HttpMethod method, string path, string json, string accept)
    {
        using var request = Request(method, path);
        request.Content = new StringContent(Fill(json), Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        Response?.Dispose();
        Response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Frames.Clear();
        Body = "";
        if (Response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            Frames.AddRange(await SseFrame.ReadAllAsync(await Response.Content.ReadAsStreamAsync()));
        else
            Body = await Response.Content.ReadAsStringAsync();
    }

    /// <summary>Takes <paramref name="body"/> as the last answer's body (a JSON-RPC message unwrapped from its event stream).</summary>
    public void ReplaceBody(string body) => Body = body;

    /// <summary>Reads the stream at <paramref name="path"/> to its end into <see cref="Frames"/>.</summary>
    public async Task StreamAsync(string path)
    {
        using var request = Request(HttpMethod.Get, path);
        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            using (response) throw new StepFailedException($"GET {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        // The stream's response becomes the last one, so that its headers can be checked.
        Response?.Dispose();
        Response = response;
        Body = "";
        Frames.Clear();
        Frames.AddRange(await SseFrame.ReadAllAsync(await response.Content.ReadAsStreamAsync()));
    }

    public HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, Fill(path));
        if (SendToken) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenOverride ?? Target.Token);
        foreach (var (name, value) in Headers) request.Headers.TryAddWithoutValidation(name, Fill(value));
        return request;
    }

    /// <summary>Replaces each <c>{name}</c> with the value remembered under that name; an unknown name is a failure.</summary>
    public string Fill(string text) => Placeholder().Replace(text, m =>
        Remembered.TryGetValue(m.Groups[1].Value, out var value) ? value : throw new StepFailedException($"nothing remembered as {{{m.Groups[1].Value}}}"));

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();

    public void Dispose()
    {
        Response?.Dispose();
        Http.Dispose();
    }
}
