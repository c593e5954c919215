// ttft-ab.cs: time to first token of sequential tasks, alternating between servers request by request, so that two
// builds running side by side see the same machine (a shared box's load moves by more than most changes between
// two runs taken minutes apart). Run with the .NET 10 SDK: dotnet run -c Release bench/ttft-ab/ttft-ab.cs -- ARGS
//
//   ttft-ab.cs URL[,URL...] TOKEN COUNT MODE [MODEL]
//     URL    orchestratord base addresses (with the trailing slash), or llorch-engine's for MODE direct
//     MODE   1r: POST /v1/tasks with Accept: text/event-stream; 2r: POST (202), then GET the stream;
//            direct: POST /completion to an engine
//     MODEL  model_ref of the pool to use (default sim:bench?tps=1000)
// Each task asks for 16 tokens; the first fifth of the requests is dropped as warm-up. Prints, per server, the
// percentiles of submission to the first token frame, and in 2r mode of POST to the 202 read in full.
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

var servers = args[0].Split(',');
var token = args[1];
var count = int.Parse(args[2]);
var mode = args[3];
var model = args.Length > 4 ? args[4] : "sim:bench?tps=1000";
using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
var session = Guid.NewGuid().ToString();
var firstToken = servers.Select(_ => new List<double>()).ToArray();
var accepted = servers.Select(_ => new List<double>()).ToArray();
var marker = mode == "direct" ? "data: " : "event: token";
var buffer = new byte[65536];

for (var i = 0; i < count; i++)
{
    var server = i % servers.Length;
    var taskId = Guid.NewGuid().ToString();
    var body = mode == "direct"
        ? $$"""{"prompt":"Once upon a time","n_predict":16,"stream":true,"seed":{{i + 1}},"cache_prompt":true}"""
        : $$"""{"task_id":"{{taskId}}","session_id":"{{session}}","workload":"completion","model_ref":"{{model}}","engine":"llamacpp","ctx":4096,"priority":"interactive","max_tokens":16,"deadline_ms":0,"prompt":"Once upon a time","seed":{{i + 1}}}""";
    using var request = new HttpRequestMessage(HttpMethod.Post, servers[server] + (mode == "direct" ? "completion" : "v1/tasks"))
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };
    if (mode != "2r") request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

    var sent = Stopwatch.GetTimestamp();
    var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{servers[server]} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    if (mode == "2r")
    {
        await response.Content.ReadAsByteArrayAsync();
        if (i >= count / 5) accepted[server].Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        response.Dispose();
        response = await http.GetAsync(servers[server] + $"v1/tasks/{taskId}/stream", HttpCompletionOption.ResponseHeadersRead);
    }

    using (response)
    await using (var stream = await response.Content.ReadAsStreamAsync())
    {
        double? ttft = null;
        var seen = new StringBuilder();
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            if (ttft is not null) continue;
            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
            if (seen.ToString().Contains(marker)) ttft = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
        }
        if (ttft is null) throw new InvalidOperationException($"{servers[server]}: the stream ended without a token");
        if (i >= count / 5) firstToken[server].Add(ttft.Value);
    }
}

for (var s = 0; s < servers.Length; s++)
{
    Console.WriteLine($"{mode} {servers[s]}: TTFT {Percentiles(firstToken[s])}");
    if (accepted[s].Count > 0) Console.WriteLine($"{mode} {servers[s]}: POST->202 {Percentiles(accepted[s])}");
}

static string Percentiles(List<double> values)
{
    values.Sort();
    double At(double q) => values[(int)(q * (values.Count - 1))];
    return $"n={values.Count} p10 {At(0.1):F3} ms, p25 {At(0.25):F3}, p50 {At(0.5):F3}, p75 {At(0.75):F3}, p90 {At(0.9):F3}, p99 {At(0.99):F3}, max {values.Max():F3}";
}
