using System.Net;
using System.Text;
using System.Text.Json;

namespace LlamaOrch.EngineHost.Tests.Harness;

/// <summary>The engine's JSON endpoints, called the way the orchestrator's adapter calls them.</summary>
internal static class EngineHttp
{
    public static async Task<JsonElement> GetJsonAsync(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostJsonAsync(
        this HttpClient http,
        string path,
        string body,
        CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content, cancellationToken);
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    /// <summary>A non-streaming completion that must succeed.</summary>
    public static async Task<JsonElement> CompleteAsync(this HttpClient http, string body)
    {
        var (status, reply) = await http.PostJsonAsync("/completion", body);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {reply}");
        return reply;
    }

    public static async Task<double> GetMetricAsync(this HttpClient http, string name)
    {
        var text = await http.GetStringAsync("/metrics");
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new Xunit.Sdk.XunitException($"/metrics has no sample of {name}:\n{text}");
    }

    public static async Task<bool> AnySlotProcessingAsync(this HttpClient http)
    {
        foreach (var slot in (await http.GetJsonAsync("/slots")).EnumerateArray())
        {
            if (slot.GetProperty("is_processing").GetBoolean())
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
