using System.Net;

namespace LlamaOrch.EndToEnd.Tests.Conformance;

internal static class ResponseAssert
{
    /// <summary>The status, or a failure that shows the body that came instead.</summary>
    public static async Task StatusAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        if (response.StatusCode == expected) return;
        var body = await response.Content.ReadAsStringAsync();
        Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
    }
}
