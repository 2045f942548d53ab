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

    public int TimeoutSeconds { get; init; } = 1800;

    /// <summary>Runs per per-platform bound, each a fresh process; the scaling figures are medians over them.</summary>
    public int Rounds { get; init; } = 1;
    public string? Out { get; init; }

    /// <summary>Set on a child: run this one per-platform bound and write its JSON here.</summary>
    public string? ChildOut { get; init; }

    public int PostsInFlight(int perPlatform) => MaxConcurrentPosts ?? Math.Max(8, 2 * perPlatform);

    public int AccountsFor(int perPlatform) => Accounts ?? perPlatform;

    public const string Usage = """
        fanout [--posts 10000] [--platforms x,linkedin,facebook] [--latency-ms 50] [--per-platform 4,32]
               [--max-concurrent-posts N] [--per-account 1] [--accounts N] [--log-level Warning]
               [--timeout-seconds 1800] [--rounds 1] [--out bench/results/fanout.json]
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
                "--rounds" => options with { Rounds = Int(Next()) },
                "--out" => options with { Out = Next() },
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
    ];

    private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
