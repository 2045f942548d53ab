using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SocialMcp.Bench.Fanout;

// Publishing fan-out (issue 6): N posts x P platforms due in the same second, fired by the real scheduler through the real
// adapters against the in-process emulator, each platform call held LATENCY ms by the emulator's latency fault.
//
//   dotnet run -c Release --project bench/fanout -- [--posts 10000] [--per-platform 4,32] [--latency-ms 50] [--out bench/results/fanout.json]
//   quick: dotnet run -c Release --project bench/fanout -- --posts 500
//
// Each per-platform bound in --per-platform runs in its own child process (fresh database, emulator and peak RSS); the
// figures of all runs go to --out (default bench/results/fanout.json). Progress goes to stderr.

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
foreach (var perPlatform in options.PerPlatform)
{
    var run = await RunChildAsync(options, perPlatform);
    if (run is null)
        return 1;
    runs.Add(run);
}

// The figure the issue asks for: throughput against the per-platform bound, run by run.
var scaling = new JsonArray();
foreach (var run in runs.Select(r => r!.AsObject()))
{
    var perPlatform = (int)run["config"]!["maxConcurrentPerPlatform"]!;
    var platforms = run["byPlatform"]!.AsObject();
    // Every post has one target per platform and the scheduler fires them together, so the slowest platform sets the pace.
    var bound = platforms.Count * platforms.Min(p => (double?)p.Value!["concurrencyBoundPerSecond"] ?? 0);
    var measured = (double?)run["publishedPerSecondSteady"] ?? 0;
    var latencyBound = platforms.Count * platforms.Min(p => (double?)p.Value!["latencyBoundPerSecond"] ?? 0);
    scaling.Add(new JsonObject
    {
        ["latencyBoundPerSecond"] = Math.Round(latencyBound, 1),
        ["measuredOverLatencyBound"] = latencyBound > 0 ? Math.Round(measured / latencyBound, 3) : null,
        ["maxConcurrentPerPlatform"] = perPlatform,
        ["publishedPerSecondSteady"] = measured,
        ["boundPerSecond"] = Math.Round(bound, 1),
        ["measuredOverBound"] = bound > 0 ? Math.Round(measured / bound, 3) : null,
        ["lagMsP50"] = run["lagMs"]!["p50"]!.DeepClone(),
        ["lagMsP99"] = run["lagMs"]!["p99"]!.DeepClone(),
        ["peakRssMb"] = run["memory"]!["peakRssMb"]!.DeepClone(),
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
        ["boundPerSecond"] = "platforms x the slowest platform's MaxConcurrentPerPlatform / median time a target holds its slot (its HTTP calls at the injected latency, plus its SQLite writes)",
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
