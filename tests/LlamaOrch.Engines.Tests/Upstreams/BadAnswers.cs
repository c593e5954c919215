using System.Text;
using Microsoft.AspNetCore.Http;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>
/// Answers a stand-in gives in place of its protocol (<see cref="StandInServer.Answer"/>): what a misconfigured,
/// overloaded or broken server, or a proxy in front of one, really sends.
/// </summary>
internal static class BadAnswers
{
    /// <summary>An error status with a short text body.</summary>
    public static Func<HttpContext, Task> Status(int status) => async context =>
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsync($"stand-in says {status}");
    };

    /// <summary>A 307 to the same path on <paramref name="target"/>, which keeps the method and body.</summary>
    public static Func<HttpContext, Task> RedirectTo(Uri target) => context =>
    {
        context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        context.Response.Headers.Location = new Uri(target, context.Request.Path.Value).ToString();
        return Task.CompletedTask;
    };

    /// <summary>A 500 whose body starts, then stops coming while the connection stays open.</summary>
    public static Func<HttpContext, Task> StalledErrorBody(StandInServer standIn) => async context =>
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await context.Response.WriteAsync("the upstream began to explain");
        await context.Response.Body.FlushAsync();
        await HoldOpenAsync(context, standIn);
    };

    /// <summary>A 500 with 8 MiB of body that never ends: the connection stays open after it.</summary>
    public static Func<HttpContext, Task> EndlessErrorBody(StandInServer standIn) => async context =>
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        var chunk = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
        try
        {
            for (var i = 0; i < 128; i++) await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or ObjectDisposedException)
        {
            standIn.Aborted.TrySetResult();
            return;
        }
        await HoldOpenAsync(context, standIn);
    };

    /// <summary>A 200 HTML page, as a proxy's error or login page.</summary>
    public static Func<HttpContext, Task> HtmlPage() => async context =>
    {
        context.Response.ContentType = "text/html";
        await context.Response.WriteAsync("<html><body>502 Bad gateway</body></html>\n");
    };

    /// <summary>
    /// An event stream whose first <c>data:</c> line is 2 MiB with no line break, after which the response ends: a JSON
    /// string that never closes, as a broken or hostile server might send.
    /// </summary>
    public static Func<HttpContext, Task> LineWithoutBreak() => async context =>
    {
        context.Response.ContentType = "text/event-stream";
        var chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
        try
        {
            await context.Response.WriteAsync("data: {\"content\":\"", context.RequestAborted);
            for (var i = 0; i < 32; i++) await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client gave up on the line: what the test wants.
        }
    };

    private static async Task HoldOpenAsync(HttpContext context, StandInServer standIn)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            standIn.Aborted.TrySetResult();
        }
    }
}
