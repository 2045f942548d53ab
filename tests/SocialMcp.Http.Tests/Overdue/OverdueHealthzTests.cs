using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests.Overdue;

/// <summary>/healthz's overdue check (issue 16): degraded while a post is past Scheduling:OverdueAfter and not out.</summary>
public sealed class OverdueHealthzTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Healthz_WithAPublishStuckPastOverdueAfter_HasADegradedOverdueCheck()
    {
        await using var server = await TestServer.StartAsync();
        var healthy = await ChecksAsync(server);
        Assert.Equal("Healthy", healthy.GetProperty("overdue").GetProperty("status").GetString());

        // A publish-now post another machine's publisher holds (its lease renewed), with no change for 16 minutes.
        var posts = server.Services.GetRequiredService<PostService>();
        var post = (await posts.CreateAsync(LocalWorkspace.Id, new CreatePostCommand
        {
            Content = new PostContent("Stuck", [], null, new Dictionary<Platform, PlatformOverride>()),
            Platforms = [Platform.X],
        }, Ct)).Post;
        var now = server.Clock.GetUtcNow();
        await server.Services.GetRequiredService<IStore>().WriteAsync(async s =>
        {
            Assert.True(await s.Posts.UpdateAsync(post with { Status = PostStatus.Publishing, Version = post.Version + 1, UpdatedAt = now }, post.Version, Ct));
            Assert.True(await s.Posts.TakeLeaseAsync(post.Id, "other-host/77/publisher", now.AddDays(1), Ct));
            return true;
        }, Ct);
        server.Clock.Advance(TimeSpan.FromMinutes(16));

        var checks = await ChecksAsync(server);

        var overdue = checks.GetProperty("overdue");
        Assert.Equal("Degraded", overdue.GetProperty("status").GetString());
        Assert.Contains("1 post is overdue", overdue.GetProperty("description").GetString());
    }

    private static async Task<JsonElement> ChecksAsync(TestServer server)
    {
        using var response = await server.Http.GetAsync("/healthz");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").Clone();
    }
}
