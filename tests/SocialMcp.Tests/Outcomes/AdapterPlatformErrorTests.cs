using SocialMcp.Core.Domain;
using SocialMcp.Core.Workspaces;
using SocialMcp.Emulator;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Outcomes;

/// <summary>
/// Each adapter that takes a text post keeps its platform's own error: the platform's code, its message (in whatever field of
/// its envelope it comes) and the HTTP status, from a refusal in that platform's own shape.
/// </summary>
public sealed class AdapterPlatformErrorTests
{
    private const string Marker = "Marker words the platform wrote";

    public static TheoryData<Platform, string, int, string, string> Refusals() => new()
    {
        {
            Platform.X, "tweets", 400,
            $$"""{"title": "Invalid Request", "detail": "{{Marker}}", "type": "https://api.twitter.com/2/problems/invalid-request", "errors": [{"message": "{{Marker}}"}]}""",
            "invalid-request"
        },
        {
            Platform.LinkedIn, "rest/posts", 422,
            $$"""{"status": 422, "code": "UNPROCESSABLE_ENTITY", "message": "{{Marker}}"}""",
            "UNPROCESSABLE_ENTITY"
        },
        {
            Platform.Facebook, "/feed", 400,
            $$"""{"error": {"message": "(#100) {{Marker}}", "type": "OAuthException", "code": 100, "fbtrace_id": "AbC123"} }""",
            "100"
        },
        {
            Platform.Threads, "/threads", 400,
            $$"""{"error": {"message": "(#100) {{Marker}}", "type": "OAuthException", "code": 100, "fbtrace_id": "AbC123"} }""",
            "100"
        },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Publish_PlatformRefusesInItsOwnShape_TargetKeepsItsCodeMessageAndStatus(
        Platform platform, string path, int status, string body, string platformCode)
    {
        await using var emulated = await EmulatedPublishing.StartAsync([platform]);
        emulated.Emulator.Faults.Enqueue(platform, new Fault.Respond(status, body) { PathContains = path, Method = "POST" });
        var post = await emulated.CreateAsync("Refused on purpose", platform);

        var published = await emulated.Posts.PublishAsync(LocalWorkspace.Id, post.Post.Id, null, CancellationToken.None);

        var target = Assert.Single(published.Targets);
        Assert.Equal(TargetStatus.Failed, target.Status);
        Assert.Equal(platformCode, target.PlatformErrorCode);
        Assert.Contains(Marker, target.PlatformErrorMessage);
        Assert.Equal(status, target.PlatformHttpStatus);
        Assert.NotNull(target.ErrorCode);
    }
}
