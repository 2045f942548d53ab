using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SocialMcp.Bench.Fanout;

// Publishing fan-out (issue 6): N posts x P platforms due in the same second, fired by the real scheduler through the real
// adapters against the in-process emulator, each platform call held LATENCY ms by the emulator's latency fault.
//
//   dotnet run -c Release --project bench/fanout -- [--posts 10000] [--per-platform 4,32] [--latency-ms 50] [--rounds 1] [--out bench/results/fanout.json]
//   quick: dotnet run -c Release --project bench/fanout -- --posts 500
//
// Each per-platform bound in --per-platform runs in its own child process (fresh database, emulator and peak RSS), --rounds
// times, interleaved; the figures of all runs go to --out (default bench/results/fanout.json). Progress goes to stderr.

FanoutOptions options;
try
{
    options = FanoutOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

if (options.ChildOut is { } childOut)
{
    var result = await FanoutRun.RunAsync(options, options.PerPlatform[0], CancellationToken.None);
    File.WriteAllText(childOut, result.ToJsonString());
    return 0;
}

var repoRoot = FindRepoRoot();
var outPath = Path.GetFullPath(options.Out ?? Path.Combine(repoRoot, "bench", "results", "fanout.json"));
var runs = new JsonArray();
// Rounds are interleaved (4, 32, 4, 32, …) so a change in the machine's load falls on every bound alike.
for (var round = 0; round < options.Rounds; round++)
{
    foreach (var perPlatform in options.PerPlatform)
    {
        var run = await RunChildAsync(options, perPlatform);
        if (run is null)
            return 1;
        run["round"] = round + 1;
        runs.Add(run);
    }
}

// The figure the issue asks for: throughput against the per-platform bound, per bound (medians over rounds).
var scaling = new JsonArray();
foreach (var perPlatform in options.PerPlatform)
{
    var rounds = runs.Select(r => r!.AsObject()).Where(r => (int)r["config"]!["maxConcurrentPerPlatform"]! == perPlatform).Select(Figures).ToList();
    double Median(Func<RoundFigures, double> pick) => MedianOf(rounds.Select(pick).ToList());
    JsonArray ByRound(Func<RoundFigures, double> pick) => new(rounds.Select(r => (JsonNode?)Math.Round(pick(r), 3)).ToArray());
    scaling.Add(new JsonObject
    {
        ["maxConcurrentPerPlatform"] = perPlatform,
        ["rounds"] = rounds.Count,
        ["publishedPerSecondSteady"] = Math.Round(Median(r => r.Measured), 1),
        // Little's law: the bound is perPlatform / MEAN slot time over the steady window (see definitions).
        ["boundPerSecond"] = Math.Round(Median(r => r.Bound), 1),
        ["measuredOverBound"] = Math.Round(Median(r => r.Measured / r.Bound), 3),
        ["measuredOverBoundByRound"] = ByRound(r => r.Measured / r.Bound),
        // The issue-6 definition, from the MEDIAN slot time, reported beside it so the two can be compared.
        ["medianBoundPerSecond"] = Math.Round(Median(r => r.MedianBound), 1),
        ["measuredOverMedianBound"] = Math.Round(Median(r => r.Measured / r.MedianBound), 3),
        ["measuredOverMedianBoundByRound"] = ByRound(r => r.Measured / r.MedianBound),
        ["latencyBoundPerSecond"] = Math.Round(Median(r => r.LatencyBound), 1),
        ["measuredOverLatencyBound"] = Math.Round(Median(r => r.Measured / r.LatencyBound), 3),
        ["measuredOverLatencyBoundByRound"] = ByRound(r => r.Measured / r.LatencyBound),
        ["writeTransactionsPerPost"] = Math.Round(Median(r => r.WritesPerPost), 2),
        ["writeTransactionsPerPostByRound"] = ByRound(r => r.WritesPerPost),
        ["lagMsP50"] = Math.Round(Median(r => r.LagP50), 1),
        ["lagMsP99"] = Math.Round(Median(r => r.LagP99), 1),
        ["loadAverageAtDueByRound"] = ByRound(r => r.LoadAtDue),
        ["peakRssMb"] = Math.Round(Median(r => r.PeakRss), 1),
    });
}

var document = new JsonObject
{
    ["benchmark"] = "fanout",
    ["generatedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    ["command"] = "dotnet run -c Release --project bench/fanout -- " + string.Join(' ', args),
    ["machine"] = new JsonObject
    {
        ["os"] = RuntimeInformation.OSDescription,
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["cpus"] = Environment.ProcessorCount,
    },
    ["definitions"] = new JsonObject
    {
        ["publishedPerSecondSteady"] = "targets published per second between the 10th and 90th percentile of completions",
        ["publishedPerSecondOverall"] = "targets published / (last outcome - due time)",
        ["latencyBoundPerSecond"] = "platforms x the slowest platform's MaxConcurrentPerPlatform / (HTTP calls per target x injected latency): what fan-out limited only by the per-platform concurrency would reach",
        ["boundPerSecond"] = "platforms x the slowest platform's MaxConcurrentPerPlatform / MEAN time a target holds its slot (its HTTP calls at the injected latency, plus its SQLite writes) over the steady window: Little's law, the most the slots allow with every slot always busy",
        ["medianBoundPerSecond"] = "the issue-6 definition of the bound: the same with the MEDIAN slot time over the whole run; a right-skewed slot time makes it higher than any scheduler can reach, so measuredOverMedianBound understates how busy the slots were",
        ["measuredOverBoundByRound"] = "measured / bound of each round; the headline is their median (likewise for the other ByRound figures)",
        ["lagMs"] = "due time -> first platform HTTP call of the post (any of its targets), recorded by the innermost handler of the adapters' HttpClients",
        ["idealLagMs"] = "the lag a scheduler would give that kept every slot of the slowest platform busy from the due time: floor(i / MaxConcurrentPerPlatform) x its median target time",
        ["emulatorClock"] = "the emulator's clock skips a day per reading (its timers are real), so the emulated platforms' rate limits never trip; every platform call still waits the injected latency",
    },
    ["scaling"] = scaling,
    ["runs"] = runs,
};
Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
File.WriteAllText(outPath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
FanoutRun.Log($"written to {outPath}");
return 0;

static RoundFigures Figures(JsonObject run)
{
    var platforms = run["byPlatform"]!.AsObject();
    // Every post has one target per platform and the scheduler fires them together, so the slowest platform sets the pace.
    double Slowest(string figure) => platforms.Count * platforms.Min(p => (double?)p.Value![figure] ?? 0);
    return new RoundFigures(
        Measured: (double?)run["publishedPerSecondSteady"] ?? 0,
        Bound: Slowest("concurrencyBoundPerSecond"),
        MedianBound: Slowest("concurrencyBoundPerSecondMedian"),
        LatencyBound: Slowest("latencyBoundPerSecond"),
        WritesPerPost: (double?)run["sqlite"]!["writeTransactionsPerPost"] ?? 0,
        LagP50: (double?)run["lagMs"]!["p50"] ?? 0,
        LagP99: (double?)run["lagMs"]!["p99"] ?? 0,
        LoadAtDue: (double?)run["loadAverage1m"]?["atDue"] ?? 0,
        PeakRss: (double?)run["memory"]?["peakRssMb"] ?? 0);
}

static double MedianOf(List<double> values)
{
    if (values.Count == 0)
        return 0;
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static async Task<JsonObject?> RunChildAsync(FanoutOptions options, int perPlatform)
{
    var childFile = Path.Combine(Path.GetTempPath(), $"fanout-{Guid.NewGuid():N}.json");
    var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        start.ArgumentList.Add(typeof(FanoutRun).Assembly.Location);
    foreach (var arg in options.ChildArgs(perPlatform, childFile))
        start.ArgumentList.Add(arg);
    using var child = Process.Start(start)!;
    await child.WaitForExitAsync();
    if (child.ExitCode != 0 || !File.Exists(childFile))
    {
        FanoutRun.Log($"the run at MaxConcurrentPerPlatform={perPlatform} failed (exit {child.ExitCode})");
        return null;
    }
    var run = JsonNode.Parse(File.ReadAllText(childFile))!.AsObject();
    File.Delete(childFile);
    FanoutRun.Log($"MaxConcurrentPerPlatform={perPlatform}: {run["publishedPerSecondSteady"]} targets/s steady ({run["publishedPerSecondOverall"]} overall), " +
        $"lag p50 {run["lagMs"]!["p50"]} ms p99 {run["lagMs"]!["p99"]} ms, peak RSS {run["memory"]!["peakRssMb"]} MB");
    return run;
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "SocialMcp.sln")))
            return dir.FullName;
    }
    return Directory.GetCurrentDirectory();
}

internal sealed record RoundFigures(double Measured, double Bound, double MedianBound, double LatencyBound, double WritesPerPost,
    double LagP50, double LagP99, double LoadAtDue, double PeakRss);
