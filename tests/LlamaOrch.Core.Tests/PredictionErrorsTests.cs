using LlamaOrch.Core.Scheduling;

namespace LlamaOrch.Core.Tests;

public sealed class PredictionErrorsTests
{
    [Fact]
    public void No_time_left_is_0_and_nothing_left_to_do_is_1()
    {
        var errors = new PredictionErrors();
        Assert.Equal(0, errors.OnTimeProbability(startMs: 100, serviceMs: 100, remainingMs: 0));
        Assert.Equal(1, errors.OnTimeProbability(startMs: 0, serviceMs: 0, remainingMs: 10));
    }

    [Fact]
    public void Before_enough_observations_the_prior_gives_more_time_a_higher_chance_and_a_deadline_at_the_prediction_one_half()
    {
        var errors = new PredictionErrors();
        Assert.Equal(0.5, errors.OnTimeProbability(1000, 1000, 2000), precision: 6);
        var tight = errors.OnTimeProbability(1000, 1000, 1500);
        var loose = errors.OnTimeProbability(1000, 1000, 3000);
        Assert.InRange(tight, 0.01, 0.49);
        Assert.InRange(loose, 0.51, 0.99);
        Assert.True(errors.OnTimeProbability(1000, 1000, 100_000) > 0.999);
    }

    [Fact]
    public void The_observed_errors_decide_and_larger_ones_give_less_certainty()
    {
        var exact = Observed(startErrors: [0.0], serviceErrors: [0.05, -0.05]);
        var wide = Observed(startErrors: [-0.8, 0.8], serviceErrors: [1.0, -0.5]);

        // A deadline 50 % past the prediction: certain for a pool that predicts within 5 %, not for one off by up to 100 %.
        Assert.Equal(1, exact.OnTimeProbability(1000, 1000, 3000));
        var uncertain = wide.OnTimeProbability(1000, 1000, 3000);
        Assert.InRange(uncertain, 0.01, 0.99);
        // More time left, higher chance; past the worst observed error, certain; before the best, no chance.
        Assert.True(wide.OnTimeProbability(1000, 1000, 4500) > uncertain);
        Assert.Equal(1, wide.OnTimeProbability(1000, 1000, 3801));
        Assert.Equal(0, wide.OnTimeProbability(1000, 1000, 699));
    }

    [Fact]
    public void Starts_predicted_as_now_say_nothing_about_a_queued_task()
    {
        var errors = new PredictionErrors();
        // Plenty of tasks that started at once, each twice as slow to serve as predicted.
        for (var i = 0; i < 50; i++) errors.Observe(predictedStartMs: 0, actualStartMs: 2, predictedServiceMs: 100, actualServiceMs: 200);

        // A running task: their service errors speak for it.
        Assert.Equal(0, errors.OnTimeProbability(0, 100, 150));
        Assert.Equal(1, errors.OnTimeProbability(0, 100, 250));
        // A queued one: no observed start error yet, so the prior decides.
        Assert.Equal(0.5, errors.OnTimeProbability(1000, 100, 1100), precision: 6);
    }

    [Fact]
    public void The_ring_keeps_only_the_latest_observations()
    {
        var errors = new PredictionErrors(capacity: PredictionErrors.MinObservations);
        for (var i = 0; i < PredictionErrors.MinObservations; i++) errors.Observe(100, 300, 100, 300); // three times late
        Assert.Equal(0, errors.OnTimeProbability(100, 100, 300));
        for (var i = 0; i < PredictionErrors.MinObservations; i++) errors.Observe(100, 100, 100, 100); // exact since
        Assert.Equal(PredictionErrors.MinObservations, errors.Count);
        Assert.Equal(1, errors.OnTimeProbability(100, 100, 300));
    }

    /// <summary>A pool whose tasks had every combination of these relative errors, in equal numbers, past the prior's threshold.</summary>
    private static PredictionErrors Observed(double[] startErrors, double[] serviceErrors)
    {
        var errors = new PredictionErrors();
        for (var round = 0; round < PredictionErrors.MinObservations; round++)
            foreach (var start in startErrors)
                foreach (var service in serviceErrors)
                    errors.Observe(1000, 1000 * (1 + start), 1000, 1000 * (1 + service));
        return errors;
    }
}
