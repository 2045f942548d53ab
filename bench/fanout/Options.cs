using System.Globalization;
using SocialMcp.Core.Domain;

namespace SocialMcp.Bench.Fanout;

/// <summary>The command line. Lists (per-platform concurrency) make one run each, each in its own process.</summary>
public sealed record FanoutOptions
{
    public int Posts { get; init; } = 10_000;
    public IReadOnlyList<Platform> Platforms { get; init; } = [Platform.X, Platform.LinkedIn, Platform.Facebook];
    public int LatencyMs { get; init; } = 50;

    /// <summary>Scheduling:MaxConcurrentPerPlatform of each run; 4 is the server's default.</summary>
    public IReadOnlyList<int> PerPlatform { get; init; } = [4, 32];

    /// <summary>Scheduling:MaxConcurrentPosts; by default the server's 8, or twice the per-platform bound when that is more.</summary>
    public int? MaxConcurrentPosts { get; init; }

    /// <summary>Scheduling:MaxConcurrentPerAccount; the server's default 1.</summary>
    public int PerAccount { get; init; } = 1;

    /// <summary>Platform sets (each with one sandbox account per platform) the posts are spread over; by default the per-platform bound.</summary>
    public int? Accounts { get; init; }

    public string LogLevel { get; init; } = "Warning";

    /// <summary>Experiment: queue writes on an in-process async lock (see <see cref="TimedStore"/>).</summary>
    public bool SerializeWrites { get; init; }

    /// <summary>Experiment: "streaming" replaces the scheduler worker by <see cref="StreamingSchedulerWorker"/>; "product" (default) is the real one.</summary>
    public string Worker { get; init; } = "product";

    /// <summary>Experiment: add <see cref="ClaimIndexExperiment"/>'s index before the run.</summary>
    public bool ClaimIndex { get; init; }

    /// <summary>Run the experiments (<see cref="Experiments"/>) instead, and put them under "experiments" in --out, keeping the rest of it.</summary>
    public bool RunExperiments { get; init; }

    /// <summary>Each experiment: a name, what it changes, and the options it sets (on top of the command line's).</summary>
    public static IReadOnlyList<(string Name, string Changes, Func<FanoutOptions, FanoutOptions> Apply)> Experiments { get; } =
    [
        ("baseline", "nothing: the product as it is, run again beside the experiments", o => o),
        ("serialize-writes", "writes queue on an in-process async lock before BEGIN IMMEDIATE", o => o with { SerializeWrites = true }),
        ("claim-index", "index posts(status, scheduled_for, id) so a claim reads one row instead of sorting every due post", o => o with { ClaimIndex = true }),
        ("streaming-worker", "the scheduler claims the next post as soon as one of its MaxConcurrentPosts finishes (no batch barrier)", o => o with { Worker = "streaming" }),
        ("all-three", "serialize-writes + claim-index + streaming-worker", o => o with { SerializeWrites = true, ClaimIndex = true, Worker = "streaming" }),
    ];
    public int TimeoutSeconds { get; init; } = 1800;
    public string? Out { get; init; }

    /// <summary>Set on a child: run this one per-platform bound and write its JSON here.</summary>
    public string? ChildOut { get; init; }

    public int PostsInFlight(int perPlatform) => MaxConcurrentPosts ?? Math.Max(8, 2 * perPlatform);

    public int AccountsFor(int perPlatform) => Accounts ?? perPlatform;

    public const string Usage = """
        fanout [--posts 10000] [--platforms x,linkedin,facebook] [--latency-ms 50] [--per-platform 4,32]
               [--max-concurrent-posts N] [--per-account 1] [--accounts N] [--log-level Warning]
               [--timeout-seconds 1800] [--serialize-writes] [--worker product|streaming] [--claim-index] [--experiments] [--out bench/results/fanout.json]
        """;

    public static FanoutOptions Parse(string[] args)
    {
        var options = new FanoutOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            options = args[i] switch
            {
                "--posts" => options with { Posts = Int(Next()) },
                "--platforms" => options with { Platforms = Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(PlatformNames.Parse).ToList() },
                "--latency-ms" => options with { LatencyMs = Int(Next()) },
                "--per-platform" => options with { PerPlatform = Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Int).ToList() },
                "--max-concurrent-posts" => options with { MaxConcurrentPosts = Int(Next()) },
                "--per-account" => options with { PerAccount = Int(Next()) },
                "--accounts" => options with { Accounts = Int(Next()) },
                "--log-level" => options with { LogLevel = Next() },
                "--timeout-seconds" => options with { TimeoutSeconds = Int(Next()) },
                "--out" => options with { Out = Next() },
                "--serialize-writes" => options with { SerializeWrites = true },
                "--worker" => options with { Worker = Next() is var w && w is "streaming" or "product" ? w : throw new ArgumentException($"--worker is product or streaming.\n{Usage}") },
                "--claim-index" => options with { ClaimIndex = true },
                "--experiments" => options with { RunExperiments = true },
                "--child-out" => options with { ChildOut = Next() },
                "-h" or "--help" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"Unknown argument {args[i]}.\n{Usage}"),
            };
        }
        return options;
    }

    /// <summary>The arguments that make a child process run one per-platform bound.</summary>
    public IEnumerable<string> ChildArgs(int perPlatform, string childOut) =>
    [
        "--posts", Posts.ToString(CultureInfo.InvariantCulture),
        "--platforms", string.Join(',', Platforms.Select(p => p.ToWireName())),
        "--latency-ms", LatencyMs.ToString(CultureInfo.InvariantCulture),
        "--per-platform", perPlatform.ToString(CultureInfo.InvariantCulture),
        "--max-concurrent-posts", PostsInFlight(perPlatform).ToString(CultureInfo.InvariantCulture),
        "--per-account", PerAccount.ToString(CultureInfo.InvariantCulture),
        "--accounts", AccountsFor(perPlatform).ToString(CultureInfo.InvariantCulture),
        "--log-level", LogLevel,
        "--timeout-seconds", TimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        "--child-out", childOut,
        .. SerializeWrites ? new[] { "--serialize-writes" } : [],
        "--worker", Worker,
        .. ClaimIndex ? new[] { "--claim-index" } : [],
    ];

    private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
