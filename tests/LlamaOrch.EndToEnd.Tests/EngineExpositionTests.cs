using LlamaOrch.Server.Metrics;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>Engines' Prometheus text relabeled and merged for orchestratord's <c>/metrics</c>.</summary>
public sealed class EngineExpositionTests
{
    private static readonly KeyValuePair<string, string>[] R0 = [new("pool_id", "p"), new("replica_id", "p-r0"), new("model", "m")];
    private static readonly KeyValuePair<string, string>[] R1 = [new("pool_id", "p"), new("replica_id", "p-r1"), new("model", "m")];

    [Fact]
    public void Two_engines_series_go_under_one_HELP_and_TYPE_per_family_each_with_its_replicas_labels()
    {
        const string Engine = "# HELP llamacpp:tokens_predicted_total Number of generation tokens processed.\n"
            + "# TYPE llamacpp:tokens_predicted_total counter\n"
            + "llamacpp:tokens_predicted_total {0}\n"
            + "# HELP llamacpp:requests_processing Number of requests processing.\n"
            + "# TYPE llamacpp:requests_processing gauge\n"
            + "llamacpp:requests_processing 1\n";
        var exposition = new EngineExposition();
        exposition.Add(string.Format(Engine, 4), R0);
        exposition.Add(string.Format(Engine, 0), R1);

        Assert.Equal(
            "# HELP llamacpp:tokens_predicted_total Number of generation tokens processed.\n"
            + "# TYPE llamacpp:tokens_predicted_total counter\n"
            + "llamacpp:tokens_predicted_total{pool_id=\"p\",replica_id=\"p-r0\",model=\"m\"} 4\n"
            + "llamacpp:tokens_predicted_total{pool_id=\"p\",replica_id=\"p-r1\",model=\"m\"} 0\n"
            + "# HELP llamacpp:requests_processing Number of requests processing.\n"
            + "# TYPE llamacpp:requests_processing gauge\n"
            + "llamacpp:requests_processing{pool_id=\"p\",replica_id=\"p-r0\",model=\"m\"} 1\n"
            + "llamacpp:requests_processing{pool_id=\"p\",replica_id=\"p-r1\",model=\"m\"} 1\n",
            exposition.ToString());
    }

    [Fact]
    public void The_engines_own_labels_are_kept_escaped_and_ours_replace_those_of_the_same_name()
    {
        var exposition = new EngineExposition();
        exposition.Add("llamacpp:x{slot=\"0\", note=\"a \\\"b\\\" c\\\\d\\ne\",model=\"theirs\"} 2.5 1700000000000\n",
            [new("pool_id", "p"), new("replica_id", "p-r0"), new("model", "say \"hi\"\\\n")]);

        Assert.Equal(
            "llamacpp:x{slot=\"0\",note=\"a \\\"b\\\" c\\\\d\\ne\",pool_id=\"p\",replica_id=\"p-r0\",model=\"say \\\"hi\\\"\\\\\\n\"} 2.5 1700000000000\n",
            exposition.ToString());
    }

    [Fact]
    public void Comments_blank_lines_bad_lines_and_other_names_are_skipped_and_the_rest_kept()
    {
        var exposition = new EngineExposition();
        var firsts = exposition.Add(
            "# a comment\r\n\n"
            + "llamacpp:kv_cache_usage_ratio 0.25\r\n"
            + "llamacpp:broken{slot=\"0\" 1\n"
            + "llamacpp:no_value\n"
            + "llamacpp:not_a_number abc\n"
            + "1bad 1\n"
            + "queue_depth 7\n"
            + "llamacpp:requests_deferred +Inf\n",
            R0);

        Assert.Equal(
            "llamacpp:kv_cache_usage_ratio{pool_id=\"p\",replica_id=\"p-r0\",model=\"m\"} 0.25\n"
            + "llamacpp:requests_deferred{pool_id=\"p\",replica_id=\"p-r0\",model=\"m\"} +Inf\n",
            exposition.ToString());
        Assert.Equal(0.25, firsts["llamacpp:kv_cache_usage_ratio"]);
    }

    [Fact]
    public void A_histograms_buckets_sum_and_count_stay_under_its_one_TYPE()
    {
        var exposition = new EngineExposition();
        exposition.Add("# TYPE llamacpp:h histogram\nllamacpp:h_bucket{le=\"+Inf\"} 3\nllamacpp:h_sum 9\nllamacpp:h_count 3\n", R0);
        exposition.Add("# TYPE llamacpp:h histogram\nllamacpp:h_count 1\n", R1);

        var lines = exposition.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("# TYPE llamacpp:h histogram", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.Single(lines, l => l.StartsWith('#'));
    }
}
