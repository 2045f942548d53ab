using System.Globalization;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Workspaces;
using SocialMcp.Emulator;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>
/// Issue 5's fault proof: one post to four platforms through the emulator, one platform misbehaving. Whatever it does,
/// the other targets go out once and unaffected, and the misbehaving one ends with the right code (and the platform's own).
/// </summary>
public sealed class PostFaultTests
{
    private static readonly Platform[] Everywhere = [Platform.X, Platform.LinkedIn, Platform.Threads, Platform.Facebook];

    private const string XTooManyRequests = """{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}""";
    private const string XUnavailable = """{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}""";
    private const string GraphUnavailable =
        """{"error":{"message":"Service temporarily unavailable","type":"OAuthException","code":2,"is_transient":true,"fbtrace_id":"Abc"}}""";

    /// <param name="Hung">Which attempts (request line "METHOD /path", ordinal among its kind) the emulator holds on the clock.</param>
    /// <param name="BeforeAdvance">What happens while they are held, before the clock moves.</param>
    /// <param name="Step">How far the clock moves each time all that is left waits on it.</param>
    /// <param name="Also">Further checks on the faulted target.</param>
    public sealed record FaultCase(
        Platform Platform,
        Func<EmulatedPublishing, Task> Arrange,
        TargetStatus Status,
        string? Code = null,
        string? PlatformCode = null,
        string? MessageContains = null,
        Func<string, int, bool>? Hung = null,
        Func<EmulatedPublishing, Task>? BeforeAdvance = null,
        TimeSpan? Step = null,
        Func<EmulatedPublishing, string, PostTarget, Task>? Also = null);

    private static readonly DateTimeOffset FarReset = TestServices.Start.AddHours(2);

    /// <summary>
    /// A hang the test can see arrive: the emulator's wait is a timer on the fake clock, far past the per-attempt timeout
    /// (<see cref="Fault.Hang"/> waits forever without one, so the test could not tell it from a request still on its way).
    /// </summary>
    private static readonly Fault NoAnswer = new Fault.Latency(TimeSpan.FromDays(1));

    private static readonly Dictionary<string, FaultCase> Cases = new()
    {
        ["no_fault"] = new(Platform.X, _ => Task.CompletedTask, TargetStatus.Published,
            Also: (h, _, _) => AssertLive(h, Platform.X, 1)),

        // A 429 burst on the creating call whose reset lies after the post's tolerance: no wait, RATE_LIMITED with the reset.
        ["rate_limit_burst_reset_beyond_tolerance"] = new(Platform.X, h =>
            {
                h.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(429, XTooManyRequests, XRateHeaders(FarReset)) { PathContains = "2/tweets" }, times: 3);
                return Task.CompletedTask;
            },
            TargetStatus.Failed, ErrorCodes.RateLimited, "429", FarReset.ToString("O", CultureInfo.InvariantCulture),
            Also: async (h, postId, _) =>
            {
                Assert.Empty(await h.EventsOfAsync(postId, "target_waiting"));
                AssertLiveSync(h, Platform.X, 0);
            }),

        // The same burst with a Retry-After that fits the tolerance: the target waits out each one, then goes out once.
        ["rate_limit_burst_reset_within_tolerance"] = new(Platform.X, h =>
            {
                h.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(429, XTooManyRequests, new Dictionary<string, string> { ["Retry-After"] = "60" })
                { PathContains = "2/tweets" }, times: 3);
                return Task.CompletedTask;
            },
            TargetStatus.Published,
            Also: async (h, postId, _) =>
            {
                Assert.Equal(3, (await h.EventsOfAsync(postId, "target_waiting")).Count(e => e.Platform == Platform.X));
                AssertLiveSync(h, Platform.X, 1);
                Assert.Equal(1, h.Emulator.State.Calls(Platform.X, "tweets.create"));
            }),

        // A run of 5xx longer than the retries of a read that is safe to repeat: PLATFORM_ERROR with Meta's own code.
        ["server_errors_longer_than_retries"] = new(Platform.Threads, h =>
            {
                h.Emulator.Faults.Enqueue(Platform.Threads, new Fault.Respond(503, GraphUnavailable), times: 8);
                return Task.CompletedTask;
            },
            TargetStatus.Failed, ErrorCodes.PlatformError, "2",
            Also: (h, _, t) =>
            {
                Assert.Equal("Service temporarily unavailable", t.PlatformErrorMessage);
                AssertLiveSync(h, Platform.Threads, 0);
                return Task.CompletedTask;
            }),

        // A shorter run on a repeatable read is absorbed by the retries.
        ["server_errors_shorter_than_retries"] = new(Platform.X, h =>
            {
                h.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(503, XUnavailable) { PathContains = "2/users/me" }, times: 2);
                return Task.CompletedTask;
            },
            TargetStatus.Published,
            Also: (h, _, _) => AssertLive(h, Platform.X, 1)),

        // The creating call never answers: the per-attempt timeout fires on the clock, the adapter looks for the post, finds none.
        ["timeout_on_create"] = new(Platform.X, h =>
            {
                h.Emulator.Faults.Enqueue(Platform.X, NoAnswer with { PathContains = "2/tweets" });
                return Task.CompletedTask;
            },
            TargetStatus.Failed, ErrorCodes.PlatformError,
            Hung: (line, ordinal) => line.StartsWith("POST ", StringComparison.Ordinal) && line.EndsWith("/2/tweets", StringComparison.Ordinal) && ordinal == 1,
            Also: (h, _, _) =>
            {
                AssertLiveSync(h, Platform.X, 0);
                Assert.Equal(0, h.Emulator.State.Calls(Platform.X, "tweets.create"));
                return Task.CompletedTask;
            }),

        // A timeout on a repeatable read: retried, and the post goes out once.
        ["timeout_on_read_then_answer"] = new(Platform.X, h =>
            {
                h.Emulator.Faults.Enqueue(Platform.X, NoAnswer with { PathContains = "2/users/me" });
                return Task.CompletedTask;
            },
            TargetStatus.Published,
            Hung: (line, ordinal) => line.EndsWith("/2/users/me", StringComparison.Ordinal) && ordinal == 1,
            Also: (h, _, _) => AssertLive(h, Platform.X, 1)),

        // The post was made but its answer lost: found again, recorded published, not posted twice.
        ["success_with_lost_response"] = new(Platform.X, h =>
            {
                h.Emulator.Faults.Enqueue(Platform.X, new Fault.LoseResponse { PathContains = "2/tweets" });
                return Task.CompletedTask;
            },
            TargetStatus.Published,
            Also: (h, _, t) =>
            {
                AssertLiveSync(h, Platform.X, 1);
                Assert.Equal(1, h.Emulator.State.Calls(Platform.X, "tweets.create"));
                Assert.NotNull(t.PlatformPostId);
                return Task.CompletedTask;
            }),

        // The X token is revoked after the account has used it; the other accounts' tokens stay good.
        ["token_revoked"] = new(Platform.X, async h =>
            {
                foreach (var platform in Everywhere)
                    Assert.NotNull(h.Emulator.State.Authenticate(platform, await h.SandboxTokenAsync(platform)));
                h.Emulator.State.Revoke(await h.SandboxTokenAsync(Platform.X));
                h.Emulator.State.AcceptSandboxTokens = false;
            },
            TargetStatus.Failed, ErrorCodes.AuthExpired, "401",
            Also: async (h, _, _) =>
            {
                var account = await h.Services.AccountAsync(Platform.X);
                Assert.Equal(TokenHealth.ReconnectRequired, TokenHealth.Of(account, h.Clock.GetUtcNow()));
                Assert.Equal(TokenHealth.Healthy, TokenHealth.Of(await h.Services.AccountAsync(Platform.LinkedIn), h.Clock.GetUtcNow()));
                AssertLiveSync(h, Platform.X, 0);
            }),

        // The token is revoked while X holds the create (after the account's first call used it): the create meets a 401.
        ["token_revoked_mid_publish"] = new(Platform.X, h =>
            {
                h.Emulator.Faults.Enqueue(Platform.X, new Fault.Latency(TimeSpan.FromSeconds(5)) { PathContains = "2/tweets" });
                return Task.CompletedTask;
            },
            TargetStatus.Failed, ErrorCodes.AuthExpired, "401",
            Hung: (line, ordinal) => line.StartsWith("POST ", StringComparison.Ordinal) && line.EndsWith("/2/tweets", StringComparison.Ordinal) && ordinal == 1,
            BeforeAdvance: async h =>
            {
                h.Emulator.State.Revoke(await h.SandboxTokenAsync(Platform.X));
                h.Emulator.State.AcceptSandboxTokens = false;
            },
            Step: TimeSpan.FromSeconds(5),
            Also: async (h, _, _) =>
            {
                Assert.Equal(TokenHealth.ReconnectRequired, TokenHealth.Of(await h.Services.AccountAsync(Platform.X), h.Clock.GetUtcNow()));
                Assert.Equal(0, h.Emulator.State.Calls(Platform.X, "tweets.create"));
                AssertLiveSync(h, Platform.X, 0);
            }),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Publish_OnePlatformFaulted_OthersPublishedAndFaultedTargetCarriesItsCode(string name)
    {
        var fault = Cases[name];
        await using var h = await EmulatedPublishing.StartAsync(Everywhere);
        var post = await h.CreateAsync($"Fault case {name}", Everywhere);
        await fault.Arrange(h);

        var publishing = h.Posts.PublishAsync(LocalWorkspace.Id, post.Post.Id, null, CancellationToken.None);
        var hung = fault.Hung ?? ((_, _) => false);
        // The clock moves only when the rest of the post is done and all that is left waits on it: with no call in flight,
        // a timer besides the lease heartbeat (a limit wait); or calls whose every attempt in flight is one the emulator has
        // taken and will not answer (its wait and the client's attempt timeout are both timers). One step fires a timeout.
        // DriveAsync keeps new calls from starting while this is asked and the clock moves. A held attempt stays in flight
        // until the clock moves, so counting them first and the calls after gives one consistent answer: when the figures
        // match, every call in flight is a held one (a call between attempts, or in an attempt not held, makes them differ).
        var beforeAdvance = fault.BeforeAdvance;
        var result = await h.DriveAsync(publishing, async () =>
        {
            var held = h.Requests.CountInFlight(hung);
            var ready = h.Requests.CallsInFlight == held
                && h.Requests.InFlightCount == held
                && h.Clock.PendingTimers >= (held == 0 ? 2 : 1 + 2 * held)
                && (await h.GetAsync(post.Post.Id)).Targets.Where(t => t.Platform != fault.Platform)
                    .All(t => t.Status is not (TargetStatus.Pending or TargetStatus.Publishing));
            if (ready && beforeAdvance is not null)
            {
                await beforeAdvance(h);
                beforeAdvance = null;
            }
            return ready;
        }, fault.Step ?? EmulatedPublishing.AttemptTimeout);

        var faulted = result.Targets.Single(t => t.Platform == fault.Platform);
        Assert.True(fault.Status == faulted.Status, $"{name}: {faulted.Status} {faulted.ErrorCode} {faulted.ErrorMessage}");
        Assert.Equal(fault.Code, faulted.ErrorCode);
        if (fault.PlatformCode is not null)
            Assert.Equal(fault.PlatformCode, faulted.PlatformErrorCode);
        if (fault.MessageContains is not null)
            Assert.Contains(fault.MessageContains, faulted.ErrorMessage);
        foreach (var other in result.Targets.Where(t => t.Platform != fault.Platform))
        {
            Assert.True(other.Status == TargetStatus.Published, $"{other.Platform}: {other.Status} {other.ErrorCode} {other.ErrorMessage}");
            Assert.Null(other.ErrorCode);
            Assert.NotNull(other.PlatformPostId);
            Assert.Equal(1, other.AttemptCount);
            AssertLiveSync(h, other.Platform, 1);
        }
        Assert.Equal(fault.Status == TargetStatus.Published ? PostStatus.Published : PostStatus.Partial, result.Post.Status);
        if (fault.Also is not null)
            await fault.Also(h, post.Post.Id, faulted);
    }

    private static Task AssertLive(EmulatedPublishing h, Platform platform, int expected)
    {
        AssertLiveSync(h, platform, expected);
        return Task.CompletedTask;
    }

    private static void AssertLiveSync(EmulatedPublishing h, Platform platform, int expected) =>
        Assert.True(expected == h.Emulator.State.LivePosts(platform), $"{platform}: {h.Emulator.State.LivePosts(platform)} live posts, expected {expected}");

    internal static Dictionary<string, string> XRateHeaders(DateTimeOffset reset) => new()
    {
        ["x-rate-limit-limit"] = "100",
        ["x-rate-limit-remaining"] = "0",
        ["x-rate-limit-reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
    };
}
