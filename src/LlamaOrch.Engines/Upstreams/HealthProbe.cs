namespace LlamaOrch.Engines.Upstreams;

/// <summary>An engine's health endpoint as every adapter reads it: a 2xx is up; another status or no answer is down.</summary>
internal static class HealthProbe
{
    public static async Task<bool> AnswersAsync(HttpClient http, Uri endpoint, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
