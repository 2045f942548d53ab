using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Tools;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Outcomes;

/// <summary>
/// Property: after any sequence of publish, retry, withdraw and resolve calls, with platforms failing at random, the
/// summary's and the result's counts, and the targets get_post shows, agree with the stored targets. Sequences come from
/// a seeded generator, so a failure names its seed and step and replays the same way.
/// </summary>
public sealed class TargetCountPropertyTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Ws = LocalWorkspace.Id;
    private const int Sequences = 300;
    private const int MaxSteps = 8;

    // Platforms that take text-only posts and can withdraw, so every operation is open to each.
    private static readonly Platform[] Candidates = [Platform.X, Platform.LinkedIn, Platform.Threads, Platform.Facebook];
    private static readonly string[] PublishFailures = [ErrorCodes.RateLimited, ErrorCodes.MediaUploadFailed, ErrorCodes.PlatformError];

    private static readonly (string Label, Func<TargetCountsResult, int> Count)[] States =
    [
        ("live", c => c.Live), ("withdrawn", c => c.Withdrawn), ("failed", c => c.Failed),
        ("needs_reconciliation", c => c.NeedsReconciliation), ("publishing", c => c.Publishing), ("pending", c => c.Pending),
    ];

    [Fact]
    public async Task AnySequence_SummaryCountsAndGetPost_AgreeWithTheStoredTargets()
    {
        const int seed = 20261122;
        await using var services = await TestServices.CreateInitializedAsync();
        var posts = services.Get<PostService>();
        var random = new Random(seed);
        var accounts = new Dictionary<Platform, Account>();
        var switches = new Dictionary<Platform, string>();
        var ran = new Dictionary<string, int>();
        foreach (var platform in Candidates)
            accounts[platform] = await services.AccountAsync(platform);

        for (var sequence = 0; sequence < Sequences; sequence++)
        {
            // An hour apart: the platforms' daily caps never come into play.
            services.Clock.Advance(TimeSpan.FromHours(1));
            var platforms = Candidates.Where(_ => random.Next(2) == 0).DefaultIfEmpty(Platform.X).ToArray();
            var before = await posts.CreateAsync(Ws, Drafts.Create($"Sequence {seed}/{sequence}", platforms), Ct);
            var id = before.Post.Id;
            for (var step = 0; step < MaxSteps; step++)
            {
                var where = $"seed {seed}, sequence {sequence}, step {step}";
                await SetFailuresAsync(services, accounts, switches, platforms, random);
                var operation = Choose(services, before, random);
                if (operation is null)
                    break;
                var (name, run) = operation.Value;
                ran[name] = ran.GetValueOrDefault(name) + 1;
                var result = await run(posts, id);
                var stored = await posts.GetAsync(Ws, id, Ct);
                AssertAgree(result, stored, $"{where} ({name})");
                before = stored;
            }
        }
        // The generator reached every kind of call often enough for the property to mean something.
        Assert.All(new[] { "publish", "retry", "retry all", "answer lost", "resolve", "withdraw", "withdrawn manually" },
            name => Assert.True(ran.GetValueOrDefault(name) >= 20, $"{name} ran {ran.GetValueOrDefault(name)} times"));
    }

    /// <summary>An operation the post's state allows, picked at random; null when the post is done (withdrawn).</summary>
    private static (string Name, Func<PostService, string, Task<PostDetails>> Run)? Choose(TestServices services, PostDetails details, Random random)
    {
        var targets = details.Targets;
        var failed = targets.Where(t => t.Status == TargetStatus.Failed).Select(t => t.Platform).ToList();
        var live = targets.Where(t => t.Status.IsLive()).Select(t => t.Platform).ToList();
        var unsure = targets.Where(t => t.Status == TargetStatus.NeedsReconciliation).Select(t => t.Platform).ToList();
        var options = new List<(string, Func<PostService, string, Task<PostDetails>>)>();
        switch (details.Post.Status)
        {
            case PostStatus.Draft:
                options.Add(("publish", (p, id) => p.PublishAsync(Ws, id, null, Ct)));
                break;
            case PostStatus.Partial or PostStatus.Failed:
                if (failed.Count > 0)
                {
                    var some = Subset(failed, random);
                    options.Add(("retry", (p, id) => p.RetryAsync(Ws, id, some, null, Ct)));
                    options.Add(("retry all", (p, id) => p.RetryAsync(Ws, id, null, null, Ct)));
                    // A platform that lost its answer: the attempt may have gone out and no one can tell.
                    var lost = failed[random.Next(failed.Count)];
                    options.Add(("answer lost", (p, id) => LoseAnswerAsync(services, p, id, lost)));
                }
                if (unsure.Count > 0)
                {
                    var platform = unsure[random.Next(unsure.Count)];
                    var published = random.Next(2) == 0;
                    options.Add(("resolve", (p, id) => p.ResolveTargetAsync(Ws,
                        new ResolveTargetCommand(id, platform, published ? TargetResolution.Published : TargetResolution.NotPublished,
                        published ? $"found-{Guid.NewGuid():N}" : null, null, null), Ct)));
                }
                break;
        }
        if (live.Count > 0 && details.Post.Status is PostStatus.Published or PostStatus.Partial)
        {
            var some = Subset(live, random);
            options.Add(("withdraw", async (p, id) => (await p.WithdrawAsync(Ws, id, some, null, Ct)).Post));
            // A person took one live target down by hand and says so.
            var removed = live[random.Next(live.Count)];
            options.Add(("withdrawn manually", (p, id) => p.ResolveTargetAsync(Ws,
                new ResolveTargetCommand(id, removed, TargetResolution.WithdrawnManually, null, null, null), Ct)));
        }
        return options.Count == 0 ? null : options[random.Next(options.Count)];
    }

    private static List<Platform> Subset(List<Platform> from, Random random)
    {
        var some = from.Where(_ => random.Next(2) == 0).ToList();
        return some.Count > 0 ? some : [from[random.Next(from.Count)]];
    }

    private static async Task<PostDetails> LoseAnswerAsync(TestServices services, PostService posts, string id, Platform platform)
    {
        // What a publish whose answer never came leaves behind (the adapters' lookups decide this in real runs).
        var details = await posts.GetAsync(Ws, id, Ct);
        var target = details.Targets.Single(t => t.Platform == platform);
        await services.Store.WriteAsync(async s =>
        {
            await s.Targets.UpdateAsync(target with
            {
                Status = TargetStatus.NeedsReconciliation, ErrorCode = null, ErrorMessage = "The answer was lost.",
                PlatformErrorCode = null, PlatformErrorMessage = null, PlatformHttpStatus = null, RetryAt = null,
            }, Ct);
            return 0;
        }, Ct);
        return await posts.GetAsync(Ws, id, Ct);
    }

    private static async Task SetFailuresAsync(
        TestServices services, Dictionary<Platform, Account> accounts, Dictionary<Platform, string> switches, Platform[] platforms, Random random)
    {
        foreach (var platform in platforms)
        {
            var failPublish = random.Next(10) < 3 ? PublishFailures[random.Next(PublishFailures.Length)] : null;
            var failWithdraw = random.Next(10) < 2 ? ErrorCodes.PlatformError : null;
            var metadata = JsonSerializer.Serialize(new { sandbox = new { failPublish, failWithdraw } });
            if (switches.GetValueOrDefault(platform) == metadata)
                continue;
            switches[platform] = metadata;
            await services.Store.WriteAsync(s => s.Accounts.UpdateMetadataAsync(Ws, accounts[platform].Id, metadata, services.Clock.GetUtcNow(), Ct), Ct);
        }
    }

    private static void AssertAgree(PostDetails answered, PostDetails stored, string where)
    {
        // What the call answered is what get_post shows.
        Assert.True(answered.Targets.OrderBy(t => t.Platform).Select(t => t.Status)
            .SequenceEqual(stored.Targets.OrderBy(t => t.Platform).Select(t => t.Status)), $"{where}: the answer's targets differ from the stored ones.");
        Assert.Equal(stored.Post.Status, answered.Post.Status);

        var result = stored.ToResult();
        var counts = result.Counts;
        var targets = stored.Targets;
        Assert.True(counts.Live == targets.Count(t => t.Status.IsLive()), $"{where}: live");
        Assert.True(counts.Withdrawn == targets.Count(t => t.Status == TargetStatus.Withdrawn), $"{where}: withdrawn");
        Assert.True(counts.Failed == targets.Count(t => t.Status == TargetStatus.Failed), $"{where}: failed");
        Assert.True(counts.NeedsReconciliation == targets.Count(t => t.Status == TargetStatus.NeedsReconciliation), $"{where}: needs_reconciliation");
        Assert.True(counts.Pending == targets.Count(t => t.Status == TargetStatus.Pending), $"{where}: pending");
        Assert.True(counts.Publishing == 0, $"{where}: nothing is publishing after a call returns");
        Assert.Equal(targets.Count, States.Sum(s => s.Count(counts)));

        // The summary says each count, and lists each target under its own state only.
        foreach (var (label, count) in States)
        {
            var n = count(counts);
            var named = targets.Where(t => Label(t.Status) == label).Select(t => t.Platform.ToWireName()).ToList();
            if (n > 0 || label == "live")
                Assert.True(result.Summary.Contains($"{n} {label}", StringComparison.Ordinal), $"{where}: '{result.Summary}' lacks '{n} {label}'.");
            else
                Assert.False(result.Summary.Contains($" {label} (", StringComparison.Ordinal), $"{where}: '{result.Summary}' names {label} targets.");
            if (n > 0)
            {
                var section = result.Summary[(result.Summary.IndexOf($"{n} {label} (", StringComparison.Ordinal) + $"{n} {label} (".Length)..];
                section = section[..section.IndexOf(')', StringComparison.Ordinal)];
                Assert.All(named, platform => Assert.Contains(platform, section));
            }
        }

        // The post's status agrees with its targets.
        switch (stored.Post.Status)
        {
            case PostStatus.Published:
                Assert.True(counts.Live > 0 && counts.Failed == 0 && counts.NeedsReconciliation == 0 && counts.Pending == 0, $"{where}: published with {Describe(counts)}");
                Assert.StartsWith("Published:", result.Summary);
                break;
            case PostStatus.Partial:
                Assert.True(counts.Live > 0 && counts.Live < targets.Count, $"{where}: partial with {Describe(counts)}");
                break;
            case PostStatus.Failed or PostStatus.Withdrawn:
                Assert.True(counts.Live == 0, $"{where}: {stored.Post.Status} with {Describe(counts)}");
                break;
        }

        // Each target that did not go out says what to do; the others say nothing.
        Assert.All(result.Targets, t => Assert.Equal(t.Status is "failed" or "needs_reconciliation", t.NextStep is not null));
        if (counts.Failed + counts.NeedsReconciliation > 0)
            Assert.Contains(" Next: ", result.Summary);
    }

    private static string Label(TargetStatus status) => status switch
    {
        TargetStatus.Published or TargetStatus.InReview => "live",
        _ => status.ToWireName(),
    };

    private static string Describe(TargetCountsResult c) =>
        $"live {c.Live}, withdrawn {c.Withdrawn}, failed {c.Failed}, needs_reconciliation {c.NeedsReconciliation}, pending {c.Pending}";
}
