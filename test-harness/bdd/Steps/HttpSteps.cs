using System.Globalization;
using System.Text.Json.Nodes;
using LlamaOrch.Bdd.Runner;

namespace LlamaOrch.Bdd.Steps;

/// <summary>Requests of any endpoint and checks of any answer: status, headers, JSON fields.</summary>
internal sealed class HttpSteps(ScenarioContext context)
{
    private readonly ApiWorld _world = context.Get<ApiWorld>();

    [Step(@"I send no token")]
    public void NoToken() => _world.SendToken = false;

    [Step(@"I send the token ""([^""]*)""")]
    public void WrongToken(string token) => _world.TokenOverride = token;

    [Step(@"I send the token in the header ""([^""]+)""")]
    public void TokenInHeader(string name)
    {
        // Anthropic's SDKs send their key as x-api-key, not as a bearer token.
        _world.SendToken = false;
        _world.Headers[name] = _world.Target.Token;
    }

    [Step(@"I POST ""([^""]+)"" reading its stream, with")]
    public Task PostStream(string path, string json) => _world.SendForStreamAsync(HttpMethod.Post, path, json, "text/event-stream");

    [Step(@"requests carry no ""([^""]+)"" header")]
    public void NoHeader(string name) => _world.Headers.Remove(name);

    [Step(@"requests carry the header ""([^""]+)"" with ""([^""]*)""")]
    public void Header(string name, string value) => _world.Headers[name] = value;

    [Step(@"I (GET|DELETE|POST) ""([^""]+)""")]
    public Task Send(string method, string path) => _world.SendAsync(new HttpMethod(method), path, method == "POST" ? "{}" : null);

    [Step(@"I (POST|PUT) ""([^""]+)"" with")]
    public Task SendJson(string method, string path, string json) => _world.SendAsync(new HttpMethod(method), path, json);

    [Step(@"the status is (\d+)")]
    public void Status(int status)
    {
        var actual = (int)_world.LastResponse.StatusCode;
        if (actual != status) throw new StepFailedException($"status {actual}, expected {status}: {JsonPath.Shorten(_world.Body)}");
    }

    [Step(@"the header ""([^""]+)"" is ""([^""]*)""")]
    public void HeaderIs(string name, string value)
    {
        var actual = HeaderValue(name) ?? throw new StepFailedException($"no {name} header");
        if (actual != _world.Fill(value)) throw new StepFailedException($"{name} is \"{actual}\", expected \"{_world.Fill(value)}\"");
    }

    [Step(@"the header ""([^""]+)"" is a whole number of at least (\d+)")]
    public void HeaderNumber(string name, long least)
    {
        var actual = HeaderValue(name) ?? throw new StepFailedException($"no {name} header");
        if (!long.TryParse(actual, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < least)
            throw new StepFailedException($"{name} is \"{actual}\", expected a whole number ≥ {least}");
    }

    [Step(@"there is a ""([^""]+)"" header")]
    public void HeaderPresent(string name)
    {
        if (HeaderValue(name) is not { Length: > 0 }) throw new StepFailedException($"no {name} header");
    }

    [Step(@"the JSON at ""([^""]*)"" is ""([^""]*)""")]
    public void JsonIs(string path, string value)
    {
        var actual = JsonPath.Text(JsonPath.Get(_world.Json, path));
        if (actual != _world.Fill(value)) throw new StepFailedException($"{path} is {actual}, expected {_world.Fill(value)}");
    }

    [Step(@"the JSON at ""([^""]*)"" is a number")]
    public void JsonNumber(string path)
    {
        if (JsonPath.Get(_world.Json, path) is not JsonValue v || !v.TryGetValue<double>(out _))
            throw new StepFailedException($"{path} is not a number in {JsonPath.Shorten(_world.Body)}");
    }

    [Step(@"the JSON at ""([^""]*)"" is a non-empty (string|array|object)")]
    public void JsonNonEmpty(string path, string kind)
    {
        var node = JsonPath.Get(_world.Json, path);
        var ok = kind switch
        {
            "string" => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0,
            "array" => node is JsonArray { Count: > 0 },
            _ => node is JsonObject { Count: > 0 },
        };
        if (!ok) throw new StepFailedException($"{path} is not a non-empty {kind}: {JsonPath.Shorten(node?.ToJsonString())}");
    }

    [Step(@"the JSON has ""([^""]*)""")]
    public void JsonHas(string path)
    {
        if (!JsonPath.TryGet(_world.Json, path, out _)) throw new StepFailedException($"no {path} in {JsonPath.Shorten(_world.Body)}");
    }

    [Step(@"some item of ""([^""]*)"" has ""([^""]+)"" equal to ""([^""]*)""")]
    public void SomeItem(string path, string field, string value)
    {
        if (JsonPath.Get(_world.Json, path) is not JsonArray array) throw new StepFailedException($"{path} is not an array");
        if (!array.Any(item => JsonPath.TryGet(item, field, out var n) && JsonPath.Text(n) == _world.Fill(value)))
            throw new StepFailedException($"no item of {path} has {field} = {value}: {JsonPath.Shorten(array.ToJsonString())}");
    }

    [Step(@"the JSON at ""([^""]*)"" is a whole number of at least (\d+)")]
    public void JsonAtLeast(string path, long least)
    {
        if (JsonPath.Get(_world.Json, path) is not JsonValue v || !v.TryGetValue<long>(out var n) || n < least)
            throw new StepFailedException($"{path} is not a whole number ≥ {least}: {JsonPath.Shorten(_world.Body)}");
    }

    [Step(@"the JSON at ""([^""]*)"" contains ""([^""]*)""")]
    public void JsonContains(string path, string text)
    {
        var actual = JsonPath.Text(JsonPath.Get(_world.Json, path));
        if (!actual.Contains(_world.Fill(text), StringComparison.Ordinal)) throw new StepFailedException($"{path} lacks \"{text}\": {JsonPath.Shorten(actual)}");
    }

    [Step(@"the item of ""([^""]*)"" whose ""([^""]+)"" is ""([^""]*)"" has ""([^""]+)"" equal to ""([^""]*)""")]
    public void ItemField(string path, string key, string keyValue, string field, string value)
    {
        if (JsonPath.Get(_world.Json, path) is not JsonArray array) throw new StepFailedException($"{path} is not an array");
        var item = array.FirstOrDefault(i => JsonPath.TryGet(i, key, out var k) && JsonPath.Text(k) == keyValue)
                   ?? throw new StepFailedException($"no item of {path} has {key} = {keyValue}: {JsonPath.Shorten(array.ToJsonString())}");
        var actual = JsonPath.TryGet(item, field, out var node) ? JsonPath.Text(node) : "(missing)";
        if (actual != _world.Fill(value)) throw new StepFailedException($"{field} of the item with {key} = {keyValue} is {actual}, expected {value}");
    }

    [Step(@"the JSON at ""([^""]*)"" is a number greater than ""([^""]*)""")]
    public void JsonGreater(string path, string than)
    {
        var bound = double.Parse(_world.Fill(than), System.Globalization.CultureInfo.InvariantCulture);
        if (JsonPath.Get(_world.Json, path) is not JsonValue v || !v.TryGetValue<double>(out var n) || n <= bound)
            throw new StepFailedException($"{path} is not a number greater than {bound}: {JsonPath.Shorten(_world.Body)}");
    }

    [Step(@"the header ""X-Backoff-Ms"" is the JSON's ""retry_after_ms"" and ""Retry-After"" is it in whole seconds, rounded up")]
    public void BackoffHeaders()
    {
        var ms = (long?)JsonPath.Get(_world.Json, "retry_after_ms") ?? throw new StepFailedException("retry_after_ms is null");
        var backoff = HeaderValue("X-Backoff-Ms") ?? throw new StepFailedException("no X-Backoff-Ms header");
        var retryAfter = HeaderValue("Retry-After") ?? throw new StepFailedException("no Retry-After header");
        var seconds = Math.Max(1, (ms + 999) / 1000);
        if (backoff != ms.ToString(CultureInfo.InvariantCulture) || retryAfter != seconds.ToString(CultureInfo.InvariantCulture))
            throw new StepFailedException($"retry_after_ms {ms}, X-Backoff-Ms {backoff}, Retry-After {retryAfter}; expected {ms} and {seconds}");
    }

    [Step(@"the metric ""([a-z_]+)"" has a series labelled ""([^""]+)"" with the value ""([^""]+)""")]
    public void MetricValue(string metric, string labels, string value)
    {
        var wanted = labels.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).Select(kv => $"{kv[0]}=\"{kv[1]}\"").ToList();
        var series = _world.Body.Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal)).ToList();
        if (!series.Any(l => wanted.All(w => l.Contains(w, StringComparison.Ordinal)) && l.EndsWith(" " + value, StringComparison.Ordinal)))
            throw new StepFailedException($"no series of {metric} labelled {labels} has the value {value}: {JsonPath.Shorten(string.Join("\n", series))}");
    }

    [Step(@"the body does not contain ""([^""]*)""")]
    public void BodyLacks(string text)
    {
        if (_world.Body.Contains(_world.Fill(text), StringComparison.Ordinal)) throw new StepFailedException($"the body contains \"{text}\": {JsonPath.Shorten(_world.Body)}");
    }

    [Step(@"the body contains ""([^""]*)""")]
    public void BodyContains(string text)
    {
        if (!_world.Body.Contains(_world.Fill(text), StringComparison.Ordinal)) throw new StepFailedException($"the body lacks \"{text}\": {JsonPath.Shorten(_world.Body)}");
    }

    [Step(@"the body has a line starting with ""([^""]*)""")]
    public void BodyLine(string start)
    {
        if (!_world.Body.Split('\n').Any(l => l.StartsWith(start, StringComparison.Ordinal)))
            throw new StepFailedException($"no line starts with \"{start}\"");
    }

    [Step(@"I remember the JSON at ""([^""]*)"" as ""([A-Za-z_][A-Za-z0-9_]*)""")]
    public void Remember(string path, string name) => _world.Remembered[name] = JsonPath.Text(JsonPath.Get(_world.Json, path));

    [Step(@"the response is the error envelope with code ""([^""]+)""")]
    public void Envelope(string code)
    {
        var json = _world.Json;
        if (JsonPath.Text(JsonPath.Get(json, "code")) != code) throw new StepFailedException($"code is not {code}: {JsonPath.Shorten(_world.Body)}");
        foreach (var field in new[] { "message", "engine" })
        {
            if (!JsonPath.TryGet(json, field, out _)) throw new StepFailedException($"the envelope has no {field}: {JsonPath.Shorten(_world.Body)}");
        }
    }

    [Step(@"the metric ""([a-z_]+)"" has a series with the labels ""([^""]+)""")]
    public void MetricLabels(string metric, string labels)
    {
        var wanted = labels.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var series = _world.Body.Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal)).ToList();
        if (series.Count == 0) throw new StepFailedException($"no series of {metric}");
        if (!series.Any(l => wanted.All(label => l.Contains(label + "=\"", StringComparison.Ordinal))))
            throw new StepFailedException($"no series of {metric} has every label of {labels}: {series[0]}");
    }

    private string? HeaderValue(string name) =>
        _world.LastResponse.Headers.TryGetValues(name, out var values) || _world.LastResponse.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;
}
