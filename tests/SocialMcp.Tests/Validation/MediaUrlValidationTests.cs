using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms.Media;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Validation;

/// <summary>A post's media URLs meet the fetch guard at validate time (validate_post, create_post, update_post), not at publish.</summary>
public sealed class MediaUrlValidationTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private PostService Posts => _services.Get<PostService>();

    private sealed class MappedResolver : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult<IPAddress[]>(host switch
        {
            "internal.test" => [IPAddress.Loopback],
            "cdn.test" => [IPAddress.Parse("93.184.216.34")],
            _ => [],
        });
    }

    public async Task InitializeAsync() =>
        _services = await TestServices.CreateInitializedAsync(configure: s => s.AddSingleton<IHostResolver, MappedResolver>());

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private static CreatePostCommand WithImage(string url, string? thumbnailUrl = null) => Drafts.Create("Look", Platform.X) with
    {
        Content = Drafts.Text("Look") with
        {
            Media = thumbnailUrl is null
                ? [new MediaItem(url, MediaTypes.Image, "image/png")]
                : [new MediaItem(url, MediaTypes.Video, "video/mp4", ThumbnailUrl: thumbnailUrl)],
        },
    };

    private Task<int> CountPostsAsync() =>
        _services.Store.ReadAsync(s => s.Posts.CountAsync(Ws, new PostQuery(null, null, 100, 0), Ct), Ct);

    [Theory]
    [InlineData("data:image/png;base64,iVBORw0KGgo=", "rule: scheme")]
    [InlineData("file:///etc/passwd", "rule: scheme")]
    [InlineData("ftp://cdn.test/a.png", "rule: scheme")]
    [InlineData("http://127.0.0.1:8080/a.png", "rule: address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "rule: address")]
    [InlineData("http://[::ffff:10.0.0.1]/a.png", "rule: address")]
    [InlineData("https://internal.test/a.png", "rule: address")]
    public async Task ValidateAndCreate_RefuseAForbiddenMediaUrl(string url, string rule)
    {
        var validation = await Posts.ValidateAsync(Ws, new ValidatePostCommand(WithImage(url), null), Ct);
        Assert.False(validation.Report.Ok);
        var problem = Assert.Single(validation.Report.AllProblems(), p => p.Code == ErrorCodes.MediaUrlForbidden);
        Assert.Equal("$.content.media[0].url", problem.Path);
        Assert.Contains(rule, problem.Message, StringComparison.Ordinal);

        var ex = await Assert.ThrowsAsync<DomainValidationException>(() => Posts.CreateAsync(Ws, WithImage(url), Ct));
        Assert.Equal(ErrorCodes.MediaUrlForbidden, ex.Problem.Code);
        Assert.Equal("$.content.media[0].url", ex.Problem.Path);
        Assert.Equal(0, await CountPostsAsync());
    }

    [Fact]
    public async Task APublicUrl_AndANameThatDoesNotResolve_PassValidation()
    {
        var validation = await Posts.ValidateAsync(Ws, new ValidatePostCommand(WithImage("https://cdn.test/a.png"), null), Ct);
        Assert.DoesNotContain(validation.Report.AllProblems(), p => p.Code == ErrorCodes.MediaUrlForbidden);
        await Posts.CreateAsync(Ws, WithImage("https://unknown.test/a.png"), Ct);
        Assert.Equal(1, await CountPostsAsync());
    }

    [Fact]
    public async Task Update_RefusesAForbiddenThumbnailUrl_AndLeavesThePostAsItWas()
    {
        var created = await Posts.CreateAsync(Ws, WithImage("https://cdn.test/a.png"), Ct);
        var forbidden = WithImage("https://cdn.test/a.mp4", thumbnailUrl: "data:image/png;base64,AAAA").Content;

        var ex = await Assert.ThrowsAsync<DomainValidationException>(() =>
            Posts.UpdateAsync(Ws, new UpdatePostCommand { PostId = created.Post.Id, Version = created.Post.Version, Content = forbidden }, Ct));

        Assert.Equal(ErrorCodes.MediaUrlForbidden, ex.Problem.Code);
        Assert.Equal("$.content.media[0].thumbnailUrl", ex.Problem.Path);
        var stored = await Posts.GetAsync(Ws, created.Post.Id, Ct);
        Assert.Equal(created.Post.Version, stored.Post.Version);
        Assert.Equal("https://cdn.test/a.png", stored.Post.Content.Media[0].Url);
    }
}
