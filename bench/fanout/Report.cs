using System.Diagnostics;
using System.Text.Json.Nodes;
using SocialMcp.Core.Domain;

namespace SocialMcp.Bench.Fanout;

/// <summary>Turns one run's records into its figures.</summary>
public static class Report
{
    public static JsonObject Build(FanoutOptions options, int perPlatform, int postsInFlight, int accounts, Recorder recorder,
        IReadOnlyList<string> postIds, long dueTicks, long finishedTicks, bool timedOut)
    {
        var targets = recorder.Targets.ToList();
        var published = targets.Where(t => t.Status is TargetStatus.Published or TargetStatus.InReview).ToList();
        var lastEnd = targets.Count > 0 ? targets.Max(t => t.End) : finishedTicks;
        var makespan = FanoutRun.Seconds(lastEnd - dueTicks);

        // Throughput: overall (due time to last outcome) and steady (between the 10th and 90th percentile of completions).
        var ends = published.Select(t => t.End).Order().ToList();
        double? steady = ends.Count >= 20
            ? 0.8 * ends.Count / FanoutRun.Seconds(ends[(int)(ends.Count * 0.9) - 1] - ends[(int)(ends.Count * 0.1)])
            : null;

        var perPlatformFigures = new JsonObject();
        double slowestTargetMs = 0;
        foreach (var platform in options.Platforms)
        {
            var mine = targets.Where(t => t.Platform == platform).ToList();
            if (mine.Count == 0)
                continue;
            var durations = mine.Select(t => Ms(t.End - t.Start)).ToList();
            var medianMs = Percentile(durations, 50);
            slowestTargetMs = Math.Max(slowestTargetMs, medianMs);
            var firstStart = mine.Min(t => t.Start);
            var last = mine.Max(t => t.End);
            var window = FanoutRun.Seconds(last - firstStart);
            var myEnds = mine.Where(t => t.Status is TargetStatus.Published or TargetStatus.InReview).Select(t => t.End).Order().ToList();
            double? mySteady = myEnds.Count >= 20
                ? 0.8 * myEnds.Count / FanoutRun.Seconds(myEnds[(int)(myEnds.Count * 0.9) - 1] - myEnds[(int)(myEnds.Count * 0.1)])
                : null;
            var bound = perPlatform / (medianMs / 1000);
            // Little's law over the steady window: throughput = targets in flight / MEAN time in a slot, so with every slot busy
            // the most it can be is perPlatform / mean. The median understates the mean of a right-skewed slot time, so a bound
            // from it (the issue-6 definition, still reported) is one no scheduler reaches even with every slot always busy.
            var steadyDurations = myEnds.Count >= 20
                ? mine.Where(t => t.End >= myEnds[(int)(myEnds.Count * 0.1)] && t.End <= myEnds[(int)(myEnds.Count * 0.9) - 1]).Select(t => Ms(t.End - t.Start)).ToList()
                : durations;
            var meanMs = steadyDurations.Count > 0 ? steadyDurations.Average() : medianMs;
            var meanBound = perPlatform / (meanMs / 1000);
            var calls = Percentile(mine.Select(t => (double)t.HttpCalls).ToList(), 50);
            // The figure: every slot busy, each target taking only its HTTP calls at the injected latency.
            double? latencyBound = calls > 0 && options.LatencyMs > 0 ? perPlatform / (calls * options.LatencyMs / 1000.0) : null;
            perPlatformFigures[platform.ToWireName()] = new JsonObject
            {
                ["targets"] = mine.Count,
                ["published"] = myEnds.Count,
                ["failed"] = mine.Count - myEnds.Count,
                ["httpCallsPerTarget"] = calls,
                ["targetMsP50"] = Round(medianMs),
                ["targetMsMeanSteady"] = Round(meanMs),
                ["targetMsP99"] = Round(Percentile(durations, 99)),
                ["publishedPerSecondOverall"] = Round(myEnds.Count / makespan),
                ["publishedPerSecondSteady"] = Round(mySteady),
                // What the per-platform bound allows: every slot busy all the time, each target taking its mean time in the
                // steady window (Little's law); and the issue-6 definition, from the median time, beside it.
                ["concurrencyBoundPerSecond"] = Round(meanBound),
                ["steadyOverBound"] = mySteady is { } s ? Round(s / meanBound, 3) : null,
                ["concurrencyBoundPerSecondMedian"] = Round(bound),
                ["steadyOverMedianBound"] = mySteady is { } sm ? Round(sm / bound, 3) : null,
                ["latencyBoundPerSecond"] = Round(latencyBound),
                ["steadyOverLatencyBound"] = mySteady is { } s2 && latencyBound is { } lb ? Round(s2 / lb, 3) : null,
                // Average targets in flight on this platform while it had work, over the configured bound.
                ["slotUtilization"] = Round(durations.Sum() / 1000 / (window * perPlatform), 3),
            };
        }

        // Lag: due time to the first platform call of each post (the first HTTP request any of its targets sent).
        var lags = new List<double>();
        var claimLags = new List<double>();
        var claimToCall = new List<double>();
        var idealLags = new List<double>();
        for (var i = 0; i < postIds.Count; i++)
        {
            var id = postIds[i];
            if (recorder.FirstCall.TryGetValue(id, out var call))
                lags.Add(Ms(call - dueTicks));
            if (recorder.Claimed.TryGetValue(id, out var claimed))
            {
                claimLags.Add(Ms(claimed - dueTicks));
                if (recorder.FirstCall.TryGetValue(id, out var c))
                    claimToCall.Add(Ms(c - claimed));
            }
            // A scheduler that kept every slot of the slowest platform busy from the due time on.
            idealLags.Add(i / perPlatform * slowestTargetMs);
        }

        // Claims: when and how many at once the worker claimed.
        var claims = recorder.Claimed.Values.Order().ToList();
        var gaps = claims.Zip(claims.Skip(1), (a, b) => Ms(b - a)).ToList();
        var batchGaps = gaps.Where(g => g > 5).ToList();

        // The store: every unit of work after the due time, by what it did.
        var store = recorder.Store.Where(r => r.Start >= dueTicks && r.Start <= lastEnd).ToList();
        var writes = store.Where(r => r.Write).ToList();
        var byKind = new JsonArray();
        foreach (var group in writes.GroupBy(r => r.Calls).OrderByDescending(g => g.Sum(r => r.Hold)))
        {
            var list = group.ToList();
            byKind.Add(new JsonObject
            {
                ["calls"] = group.Key,
                ["count"] = list.Count,
                ["perPost"] = Round(list.Count / (double)Math.Max(1, postIds.Count), 2),
                ["waitMsP50"] = Round(Percentile(list.Select(r => Ms(r.Wait)).ToList(), 50)),
                ["waitMsP99"] = Round(Percentile(list.Select(r => Ms(r.Wait)).ToList(), 99)),
                ["holdMsP50"] = Round(Percentile(list.Select(r => Ms(r.Hold)).ToList(), 50)),
                ["holdMsP99"] = Round(Percentile(list.Select(r => Ms(r.Hold)).ToList(), 99)),
                ["holdSecondsTotal"] = Round(list.Sum(r => FanoutRun.Seconds(r.Hold))),
            });
        }
        var reads = store.Where(r => !r.Write).ToList();

        return new JsonObject
        {
            ["config"] = new JsonObject
            {
                ["posts"] = postIds.Count,
                ["platforms"] = new JsonArray(options.Platforms.Select(p => (JsonNode)p.ToWireName()).ToArray()),
                ["latencyMsPerPlatformCall"] = options.LatencyMs,
                ["maxConcurrentPerPlatform"] = perPlatform,
                ["maxConcurrentPosts"] = postsInFlight,
                ["maxConcurrentPerAccount"] = options.PerAccount,
                ["accountsPerPlatform"] = accounts,
            },
            ["timedOut"] = timedOut,
            ["targets"] = targets.Count,
            ["publishedTargets"] = published.Count,
            ["failedTargets"] = new JsonObject(targets.Where(t => t.Status is not (TargetStatus.Published or TargetStatus.InReview))
                .GroupBy(t => t.ErrorCode ?? t.Status.ToString()).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Count()))),
            ["makespanSeconds"] = Round(makespan),
            ["publishedPerSecondOverall"] = Round(published.Count / makespan),
            ["publishedPerSecondSteady"] = Round(steady),
            ["byPlatform"] = perPlatformFigures,
            ["lagMs"] = Stats(lags),
            ["idealLagMs"] = Stats(idealLags),
            ["dueToClaimMs"] = Stats(claimLags),
            ["claimToFirstCallMs"] = Stats(claimToCall),
            ["claims"] = new JsonObject
            {
                ["count"] = claims.Count,
                // The scheduler claims every free slot in one statement (issue 18): posts per claim statement that found any.
                ["statements"] = recorder.ClaimBatches.Count,
                ["postsPerStatementMean"] = Round(recorder.ClaimBatches.IsEmpty ? (double?)null : recorder.ClaimBatches.Average(), 2),
                ["gapMsP50"] = Round(Percentile(gaps, 50)),
                ["gapsOver5Ms"] = batchGaps.Count,
                ["gapOver5MsP50"] = Round(Percentile(batchGaps, 50)),
                ["secondsBetweenBatches"] = Round(batchGaps.Sum() / 1000),
            },
            ["httpCalls"] = new JsonObject(recorder.HttpCallsByEndpoint.OrderBy(p => p.Key)
                .Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["sqlite"] = new JsonObject
            {
                ["writeTransactions"] = writes.Count,
                ["writeTransactionsPerPost"] = Round(writes.Count / (double)Math.Max(1, postIds.Count), 2),
                // Share of the run the write lock was held (writes are serialized by SQLite): near 1 means the store is the limit.
                ["writeLockBusyFraction"] = Round(writes.Sum(r => FanoutRun.Seconds(r.Hold)) / makespan, 3),
                ["writeWaitMsP50"] = Round(Percentile(writes.Select(r => Ms(r.Wait)).ToList(), 50)),
                ["writeWaitMsP99"] = Round(Percentile(writes.Select(r => Ms(r.Wait)).ToList(), 99)),
                ["writeHoldMsP50"] = Round(Percentile(writes.Select(r => Ms(r.Hold)).ToList(), 50)),
                ["reads"] = reads.Count,
                ["readMsP50"] = Round(Percentile(reads.Select(r => Ms(r.Wait + r.Hold)).ToList(), 50)),
                ["writesByKind"] = byKind,
            },
        };
    }

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static JsonObject Stats(List<double> values) => new()
    {
        ["count"] = values.Count,
        ["min"] = Round(values.Count == 0 ? 0 : values.Min()),
        ["p50"] = Round(Percentile(values, 50)),
        ["p90"] = Round(Percentile(values, 90)),
        ["p99"] = Round(Percentile(values, 99)),
        ["max"] = Round(values.Count == 0 ? 0 : values.Max()),
    };

    public static double Percentile(List<double> values, double percent)
    {
        if (values.Count == 0)
            return 0;
        var sorted = values.Order().ToList();
        var index = (int)Math.Ceiling(percent / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    public static double? Round(double? value, int digits = 1) => value is { } v && double.IsFinite(v) ? Math.Round(v, digits) : null;
}
