using System.Text;
using SocialMcp.Core.Domain;

namespace SocialMcp.EndToEnd.Tests.Crash;

/// <summary>One run's result: where the kill landed, how each target ended, and what went wrong if anything did.</summary>
public sealed record CrashRunResult(
    int Run,
    KillPlan Plan,
    KillSnapshot? Kill,
    IReadOnlyDictionary<Platform, string> FinalStatuses,
    IReadOnlySet<Platform> RecoveredTargets,
    int Duplicates,
    int Lost,
    string? Failure,
    TimeSpan Took)
{
    /// <summary>The run's category: the focus target's stage as the emulator saw it when the server died.</summary>
    public CrashStage? Observed => Kill?.Stages[Plan.Focus.Platform];
}

/// <summary>Counts over all runs, and the summary the test prints and writes.</summary>
public sealed class CrashTally(int seed, int requestedRuns, IReadOnlyList<Platform> platforms)
{
    private readonly List<CrashRunResult> _runs = [];

    public IReadOnlyList<CrashRunResult> Runs => _runs;

    public void Add(CrashRunResult result) => _runs.Add(result);

    public int Count(CrashStage stage) => _runs.Count(r => r.Observed == stage);

    public string Summary(TimeSpan wallTime)
    {
        var text = new StringBuilder();
        text.AppendLine($"SocialMcp crash test: seed {seed}, {_runs.Count} of {requestedRuns} runs, wall time {wallTime:hh\\:mm\\:ss}");
        text.AppendLine("Runs by where the kill landed for the run's focus target (as the emulator saw it):");
        void Line(string label, int count) => text.AppendLine($"  {label,-44}{count,5}");
        Line("before the platform call", Count(CrashStage.BeforePlatformCall));
        Line("during it", Count(CrashStage.DuringPlatformCall));
        Line("after it (answer sent; recorded or not yet)", Count(CrashStage.AfterPlatformCall));
        Line("planned as intended", _runs.Count(r => r.Observed == r.Plan.Intended));
        Line("kill point not reached (fallback)", _runs.Count(r => r.Kill is { Planned: false }));
        text.AppendLine("Every target's stage at the kill (before / during / after):");
        foreach (var platform in platforms)
        {
            var stages = _runs.Where(r => r.Kill is not null).Select(r => r.Kill!.Stages[platform]).ToList();
            text.AppendLine($"  {platform.ToWireName(),-10} {stages.Count(s => s == CrashStage.BeforePlatformCall),5} / "
                + $"{stages.Count(s => s == CrashStage.DuringPlatformCall),5} / {stages.Count(s => s == CrashStage.AfterPlatformCall),5}");
        }
        var finals = _runs.SelectMany(r => r.FinalStatuses.Values).GroupBy(s => s).OrderBy(g => g.Key, StringComparer.Ordinal);
        text.AppendLine($"Final target statuses ({_runs.Sum(r => r.FinalStatuses.Count)} targets): "
            + string.Join(", ", finals.Select(g => $"{g.Key} {g.Count()}")));
        text.AppendLine($"Targets the killed server left publishing, finished by start-up recovery: {_runs.Sum(r => r.RecoveredTargets.Count)}");
        var afterKills = _runs.Where(r => r.Observed == CrashStage.AfterPlatformCall).ToList();
        var reconciled = afterKills.Count(r => r.RecoveredTargets.Contains(r.Plan.Focus.Platform));
        text.AppendLine($"Runs killed after the answer: the killed server had recorded it in {afterKills.Count - reconciled}, "
            + $"recovery reconciled it from the platform in {reconciled}");
        text.AppendLine($"Duplicates: {_runs.Sum(r => r.Duplicates)}");
        text.AppendLine($"Lost targets: {_runs.Sum(r => r.Lost)}");
        var failed = _runs.Where(r => r.Failure is not null).ToList();
        text.AppendLine($"Failed runs: {failed.Count}" + (failed.Count == 0 ? "" : $" ({string.Join(", ", failed.Select(r => r.Run))})"));
        if (_runs.Count > 0)
            text.AppendLine($"Slowest run: {_runs.Max(r => r.Took).TotalSeconds:0.0} s; mean {_runs.Average(r => r.Took.TotalSeconds):0.0} s");
        return text.ToString();
    }
}
