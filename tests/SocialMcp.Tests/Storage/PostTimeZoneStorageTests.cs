using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Storage;

/// <summary>Migration 0010's columns: a post's time zone and the content its locked targets went out with, stored and read back.</summary>
public sealed class PostTimeZoneStorageTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Post_WithTimeZoneAndPublishedContent_RoundTripsThroughInsertAndUpdate()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var set = await services.Store.ReadAsync(s => s.PlatformSets.GetDefaultAsync(LocalWorkspace.Id, Ct), Ct);
        var post = new Post
        {
            Id = Guid.NewGuid().ToString(),
            WorkspaceId = LocalWorkspace.Id,
            PlatformSetId = set!.Id,
            Status = PostStatus.Draft,
            Content = Drafts.Text("Zoned"),
            Platforms = [Platform.X, Platform.LinkedIn],
            Version = 1,
            CreatedAt = TestServices.Start,
            UpdatedAt = TestServices.Start,
            TimeZone = "Europe/Berlin",
        };
        await services.Store.WriteAsync(async s => { await s.Posts.InsertAsync(post, Ct); return 0; }, Ct);
        var inserted = await services.Store.ReadAsync(s => s.Posts.GetAsync(LocalWorkspace.Id, post.Id, Ct), Ct);
        Assert.Equal("Europe/Berlin", inserted!.TimeZone);
        Assert.Null(inserted.PublishedContent);

        var frozen = new Dictionary<Platform, PublishedContent>
        {
            [Platform.X] = new("As it went out", [new MediaItem("https://example.com/a.jpg", MediaTypes.Image, "image/jpeg")], "https://example.com",
                JsonSerializer.SerializeToElement(new { reply = "everyone" })),
        };
        var changed = inserted with { TimeZone = null, PublishedContent = frozen, Version = 2 };
        Assert.True(await services.Store.WriteAsync(s => s.Posts.UpdateAsync(changed, 1, Ct), Ct));

        var read = await services.Store.ReadAsync(s => s.Posts.GetAsync(LocalWorkspace.Id, post.Id, Ct), Ct);
        Assert.Null(read!.TimeZone);
        var x = Assert.Single(read.PublishedContent!);
        Assert.Equal(Platform.X, x.Key);
        Assert.Equal("As it went out", x.Value.Text);
        Assert.Equal("https://example.com/a.jpg", Assert.Single(x.Value.Media).Url);
        Assert.Equal("https://example.com", x.Value.LinkUrl);
        Assert.Equal("everyone", x.Value.Settings!.Value.GetProperty("reply").GetString());
    }
}
