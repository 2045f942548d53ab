using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using SocialMcp.Benchmarks;

// Microbenchmarks of issue 6: schema validation per tool call and the SQLite write per post.
//
//   dotnet run -c Release --project bench/SocialMcp.Benchmarks -- [--out bench/results/micro.json] [BenchmarkDotNet args, e.g. --filter *Schema*]
//
// Our JSON Schema validator against JsonSchema.Net (docs/decisions.md), kept out of micro.json:
//
//   dotnet run -c Release --project bench/SocialMcp.Benchmarks -- --out bench/results/schema-validators.json --filter *SchemaValidatorComparison*
//
// A short in-process job (4 warm-ups, 15 measured iterations of ~250 ms each) keeps the whole run under 3 minutes; the
// machine is shared, so read the medians. BenchmarkDotNet's own JSON report lands in
// bench/SocialMcp.Benchmarks/BenchmarkDotNet.Artifacts/results; the figures are summarized into --out.

var repoRoot = FindRepoRoot();
var outPath = Path.Combine(repoRoot, "bench", "results", "micro.json");
var passOn = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length)
        outPath = Path.GetFullPath(args[++i]);
    else
        passOn.Add(args[i]);
}

var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithWarmupCount(4)
    .WithIterationCount(15)
    .WithIterationTime(TimeInterval.FromMilliseconds(250))
    .WithId("Short");
var config = ManualConfig.CreateMinimumViable()
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(JsonExporter.Full)
    .WithArtifactsPath(Path.Combine(repoRoot, "bench", "SocialMcp.Benchmarks", "BenchmarkDotNet.Artifacts"))
    .WithOptions(ConfigOptions.DisableLogFile);

var summaries = BenchmarkSwitcher.FromTypes([typeof(SchemaValidationBenchmarks), typeof(SqliteWriteBenchmarks), typeof(SchemaValidatorComparisonBenchmarks)])
    // Without a filter: micro.json's two classes; the validator comparison runs only when asked for (see above).
    .Run(passOn.Count == 0 ? ["--filter", "*.SchemaValidationBenchmarks.*", "*.SqliteWriteBenchmarks.*"] : passOn.ToArray(), config)
    .ToList();

var results = new JsonArray();
foreach (var summary in summaries)
{
    foreach (var report in summary.Reports)
    {
        var stats = report.ResultStatistics;
        if (stats is null)
            continue;
        results.Add(new JsonObject
        {
            ["class"] = report.BenchmarkCase.Descriptor.Type.Name,
            ["method"] = report.BenchmarkCase.Descriptor.WorkloadMethod.Name,
            ["description"] = report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
            ["parameters"] = report.BenchmarkCase.HasParameters ? report.BenchmarkCase.Parameters.DisplayInfo : null,
            ["medianNs"] = Math.Round(stats.Median, 1),
            ["meanNs"] = Math.Round(stats.Mean, 1),
            ["stdDevNs"] = Math.Round(stats.StandardDeviation, 1),
            ["medianUs"] = Math.Round(stats.Median / 1000, 3),
            ["allocatedBytesPerOp"] = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase),
            ["gen0Per1000Ops"] = Math.Round(report.GcStats.Gen0Collections * 1000.0 / Math.Max(1, report.GcStats.TotalOperations), 3),
            ["iterations"] = stats.N,
        });
    }
}

var document = new JsonObject
{
    ["benchmark"] = "micro",
    ["tool"] = "BenchmarkDotNet 0.14.0, in-process job: 4 warm-ups, 15 iterations of ~250 ms",
    ["generatedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    ["machine"] = new JsonObject
    {
        ["os"] = RuntimeInformation.OSDescription,
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["cpus"] = Environment.ProcessorCount,
        ["arch"] = RuntimeInformation.ProcessArchitecture.ToString(),
    },
    ["results"] = results,
};
Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
File.WriteAllText(outPath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
Console.WriteLine($"micro: {results.Count} results written to {outPath}");
return results.Count > 0 ? 0 : 1;

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "SocialMcp.sln")))
            return dir.FullName;
    }
    return Directory.GetCurrentDirectory();
}
