using System.Net.Http.Headers;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;

namespace SocialMcp.EndToEnd.Tests.Crash;

/// <summary>Where the kill lands for one target, by what the emulator had seen of its creating call at that moment.</summary>
public enum CrashStage
{
    /// <summary>The creating request had not reached the platform.</summary>
    BeforePlatformCall,

    /// <summary>The platform had the creating request but had not answered it.</summary>
    DuringPlatformCall,

    /// <summary>The platform had handled the creating request and sent its answer.</summary>
    AfterPlatformCall,
}

/// <summary>A request (other than the creating one) a target makes before its creating call, where a "before" kill can wait.</summary>
public sealed record PreStep(string Name, Func<ObservedRequest, bool> Matches);

/// <summary>
/// One account the crash test publishes to: the emulator token it was connected with, which request creates its post (the
/// call after which the platform holds a live post), the requests it makes before that, and how to ask the emulator
/// whether a post id is live.
/// </summary>
public sealed class CrashTarget(Platform platform, EmulatorToken token)
{
    public Platform Platform => platform;

    public EmulatorToken Token => token;

    public string AccountId => token.AccountId;

    /// <summary>The request that makes the post live: X <c>POST 2/tweets</c>, a Page's feed, LinkedIn <c>rest/posts</c>, Threads' publish.</summary>
    public bool IsCreating(ObservedRequest request) =>
        request.Platform == platform && request.Method == "POST" && request.Path == platform switch
        {
            Platform.X => "2/tweets",
            Platform.Facebook => $"{AccountId}/feed",
            Platform.LinkedIn => "rest/posts",
            Platform.Threads => $"{AccountId}/threads_publish",
            _ => throw new NotSupportedException(platform.ToWireName()),
        };

    /// <summary>Requests of a first attempt before the creating one (Facebook and LinkedIn text posts make none).</summary>
    public IReadOnlyList<PreStep> PreSteps => platform switch
    {
        Platform.X => [new("GET 2/users/me", r => Is(r, "GET", "2/users/me"))],
        Platform.Threads =>
        [
            new("POST {user}/threads (container)", r => Is(r, "POST", $"{AccountId}/threads")),
            new("GET {container} (status)", r => r.Platform == platform && r.Method == "GET" && !r.Path.Contains('/') && r.Path != "me"),
        ],
        _ => [],
    };

    private bool Is(ObservedRequest request, string method, string path) =>
        request.Platform == platform && request.Method == method && request.Path == path;

    /// <summary>Asks the emulated platform, with the account's own token, whether the post is there (and not deleted).</summary>
    public async Task<bool> IsLiveAsync(HttpClient http, PlatformEmulator emulator, string platformPostId)
    {
        var root = emulator.BaseUrlOf(platform);
        var id = Uri.EscapeDataString(platformPostId);
        using var request = platform switch
        {
            Platform.X => new HttpRequestMessage(HttpMethod.Get, new Uri(root, $"2/tweets/{id}")),
            Platform.Facebook => new HttpRequestMessage(HttpMethod.Get, new Uri(root, $"{id}?fields=id")),
            Platform.LinkedIn => new HttpRequestMessage(HttpMethod.Get, new Uri(root, $"rest/posts/{id}")),
            Platform.Threads => new HttpRequestMessage(HttpMethod.Get, new Uri(root, $"{id}?fields=id,permalink")),
            _ => throw new NotSupportedException(platform.ToWireName()),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        if (platform == Platform.LinkedIn)
        {
            request.Headers.Add("LinkedIn-Version", "202501");
            request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
        }
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            return false;
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return platform switch
        {
            // X answers a missing post with 200 and an errors array.
            Platform.X => body.RootElement.TryGetProperty("data", out _),
            // A container has an id too; only a published post has a permalink.
            Platform.Threads => body.RootElement.TryGetProperty("permalink", out _),
            _ => true,
        };
    }
}
