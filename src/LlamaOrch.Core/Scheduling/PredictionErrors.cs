namespace LlamaOrch.Core.Scheduling;

/// <summary>
/// How wrong a pool's predictions have been lately, and what that says about a deadline. For each task that
/// completed, one pair of relative errors, (actual − predicted) / predicted, is kept in a bounded ring: of its
/// start (predicted at admission, against the time it actually queued) and of its service time (max_tokens at
/// the pool's decode rate as it stood before the task finished, against the time it held the slot, prompt
/// processing included: a bias such as tasks that stop early at EOS shows up here and is accounted for). The chance to finish in
/// time is the share of those recent pairs under which the current prediction would still make it: the
/// empirical distribution, no fitted shape. The pairs are kept together because a pool's start and service
/// errors move together (a slow replica makes both late). Before <see cref="MinObservations"/> pairs, a prior
/// stands in: a normal relative error with spread <see cref="PriorSpread"/>.
/// Not thread-safe: used under the pool's lock.
/// </summary>
internal sealed class PredictionErrors(int capacity = PredictionErrors.DefaultCapacity)
{
    /// <summary>Enough recent tasks for a stable p10/p90, few enough to follow a pool whose speed changes.</summary>
    public const int DefaultCapacity = 128;

    /// <summary>Fewer pairs than this say too little about the tails: the prior is used instead.</summary>
    public const int MinObservations = 10;

    /// <summary>
    /// The prior's relative standard deviation: predictions from a guessed decode rate (StartPrediction's priors)
    /// are often off by half, so a deadline of twice the prediction is about 98 % likely, one of the prediction 50 %.
    /// </summary>
    public const double PriorSpread = 0.5;

    /// <summary>Below this a prediction is "now": a relative error against it says nothing.</summary>
    private const double FloorMs = 1;

    private readonly (double Start, double Service)[] _ring = new (double, double)[capacity];
    private int _count;
    private int _next;

    public int Count => _count;

    /// <summary>
    /// Records one completed task's predictions against what happened. A start predicted as "now" has no relative
    /// error (NaN): such pairs speak only for tasks that start now too, not for queued ones.
    /// </summary>
    public void Observe(double predictedStartMs, double actualStartMs, double predictedServiceMs, double actualServiceMs)
    {
        _ring[_next] = (RelativeError(predictedStartMs, actualStartMs), RelativeError(predictedServiceMs, actualServiceMs));
        _next = (_next + 1) % _ring.Length;
        _count = Math.Min(_count + 1, _ring.Length);
    }

    /// <summary>
    /// The chance that a task predicted to start in <paramref name="startMs"/> and then hold its slot for
    /// <paramref name="serviceMs"/> finishes within <paramref name="remainingMs"/>: 0 when no time is left,
    /// 1 when nothing is left to do, else the share of observed error pairs (or the prior) under which it does.
    /// </summary>
    public double OnTimeProbability(double startMs, double serviceMs, double remainingMs)
    {
        if (remainingMs <= 0) return 0;
        startMs = Math.Max(startMs, 0);
        serviceMs = Math.Max(serviceMs, 0);
        var predicted = startMs + serviceMs;
        if (predicted <= 0) return 1;

        var queued = startMs >= FloorMs;
        var onTime = 0;
        var considered = 0;
        for (var i = 0; i < _count; i++)
        {
            var (start, service) = _ring[i];
            if (queued && double.IsNaN(start)) continue;
            considered++;
            if ((queued ? startMs * (1 + start) : startMs) + serviceMs * (1 + (double.IsNaN(service) ? 0 : service)) <= remainingMs) onTime++;
        }
        return considered >= MinObservations
            ? (double)onTime / considered
            : NormalCdf((remainingMs - predicted) / (PriorSpread * predicted));
    }

    /// <summary>Relative error, never below −1 (an actual time is never negative); NaN for a prediction of "now".</summary>
    private static double RelativeError(double predicted, double actual) =>
        predicted < FloorMs ? double.NaN : Math.Max((actual - predicted) / predicted, -1);

    /// <summary>Φ(z) by Abramowitz and Stegun 7.1.26 (error below 1.5e-7): plenty for a probability shown to a user.</summary>
    private static double NormalCdf(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + 0.3275911 * x);
        var erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }
}
