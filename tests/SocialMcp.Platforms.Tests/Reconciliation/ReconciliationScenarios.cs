using SocialMcp.Core.Domain;
using SocialMcp.Emulator;
using SocialMcp.Emulator.Platforms;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.Reconciliation;

/// <summary>The eight platforms' creating calls and reconciling reads (docs/platforms.md, each platform's "reconciliation" section).</summary>
public static class ReconciliationScenarios
{
    private static readonly MediaItem Image = new("https://cdn.example.com/photo.jpg", MediaTypes.Image, "image/jpeg");
    private static readonly MediaItem Clip = new("https://cdn.example.com/clip.mp4", MediaTypes.Video, "video/mp4", DurationSeconds: 12);

    public static readonly ReconciliationScenario X = new(
        Platform.X, "X", "POST", "2/tweets", "GET", "/tweets", "tweets.create",
        (harness, handles) => AdapterHarness.Request(harness.Account(), "Said once, on X", handles: handles));

    public static readonly ReconciliationScenario Facebook = new(
        Platform.Facebook, "Facebook", "POST", "/feed", "GET", "/feed", "feed.create",
        (harness, handles) => AdapterHarness.Request(harness.Account(), "Said once, on the Page", handles: handles));

    // The container's status is the lookup; after the publish every read of the account fails.
    public static readonly ReconciliationScenario Instagram = new(
        Platform.Instagram, "Instagram", "POST", "media_publish", "GET", null, "media_publish",
        (harness, handles) => AdapterHarness.Request(harness.Account(), "Said once, on Instagram", [Image], handles: handles));

    public static readonly ReconciliationScenario Threads = new(
        Platform.Threads, "Threads", "POST", "threads_publish", "GET", null, "threads_publish",
        (harness, handles) => AdapterHarness.Request(harness.Account(), "Said once, on Threads", handles: handles));

    public static readonly ReconciliationScenario LinkedIn = new(
        Platform.LinkedIn, "LinkedIn", "POST", "rest/posts", "GET", "rest/posts", "posts.create",
        (harness, handles) => AdapterHarness.Request(harness.Account(), "Said once, on LinkedIn", handles: handles));

    // The init is the creating call; the creator's video list is the lookup. A refused init is settled only after
    // TikTok's unconfirmed-init window, during which a post could still show up.
    public static readonly ReconciliationScenario TikTok = new(
        Platform.TikTok, "TikTok", "POST", "video/init", "POST", "video/list", "video_init",
        (harness, handles) => AdapterHarness.Request(harness.Account(), "Said once, on TikTok", [Clip], new { privacyLevel = "PUBLIC_TO_EVERYONE" }, handles: handles))
    {
        WaitBeforeRetry = TimeSpan.FromHours(1),
    };

    // The chunk that completes the file makes the video; the session's status query (an empty PUT) is the lookup, so
    // the counter is of sessions started: a second one would be a second video. A refused last chunk: 503, the status
    // query passes (Latency 0) and says nothing arrived, the chunk is refused again and the attempt gives up.
    public static readonly ReconciliationScenario YouTube = new(
        Platform.YouTube, "YouTube", "PUT", "upload/youtube/v3/videos", "PUT", "upload/youtube/v3/videos", "videos.insert",
        (harness, handles) => AdapterHarness.Request(harness.Account(), "Said once, on YouTube",
            [new MediaItem(new Uri(harness.Emulator.BaseUrlOf(Platform.YouTube), "test-media/clip.mp4?bytes=4096").AbsoluteUri, MediaTypes.Video, "video/mp4")],
            new { title = "Said once" }, handles: handles))
    {
        RefusedCreate = s =>
        [
            new Fault.Respond(503) { Method = s.CreateMethod, PathContains = s.CreatePath },
            new Fault.Latency(TimeSpan.Zero) { Method = s.CreateMethod, PathContains = s.CreatePath },
            new Fault.Respond(503) { Method = s.CreateMethod, PathContains = s.CreatePath },
        ],
    };

    // Submitting for review is what makes an Amazon post go live (a lost create leaves only an invisible draft).
    public static readonly ReconciliationScenario Amazon = new(
        Platform.Amazon, "Amazon", "PUT", "submitForReview", "GET", "bp/v2/posts/", "submit_for_review",
        (harness, handles) => AdapterHarness.Request(harness.Account(), "Said once, on Amazon",
            [new MediaItem(new Uri(harness.Emulator.BaseUrlOf(Platform.Amazon), AmazonEmulator.TestMediaPath + "lamp.jpg").AbsoluteUri, MediaTypes.Image, "image/jpeg")],
            new { products = new[] { "B0CHX1W1XY" } }, handles: handles))
    {
        Settings = new Dictionary<string, string?> { ["Platforms:amazon:Settings:ClientId"] = "amzn1.application-oa2-client.emulator" },
    };

    public static IReadOnlyList<ReconciliationScenario> All { get; } = [X, Facebook, Instagram, Threads, LinkedIn, TikTok, YouTube, Amazon];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var scenario in All)
            data.Add(scenario.DisplayName);
        return data;
    }

    public static ReconciliationScenario Named(string name) => All.Single(s => s.DisplayName == name);
}
