using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Storage;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Media;

/// <summary>The media library over the real SQLite store and file store: dedupe, quotas, deletes, workspaces.</summary>
public sealed class MediaLibraryTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static MediaUpload Inline(string name, string? claimed = null) =>
        new() { Content = new MemoryStream(TestMedia.Bytes(name)), FileName = name, ClaimedMimeType = claimed, Path = "$.data" };

    private static Task<TestServices> StartAsync(IDictionary<string, string?>? settings = null, FakeMediaFetcher? fetcher = null) =>
        TestServices.CreateInitializedAsync(settings, services => services.AddSingleton<IMediaFetcher>(fetcher ?? new FakeMediaFetcher()));

    [Fact]
    public async Task Upload_StoresTheProbedFactsAndTheFileOnceUnderItsHash()
    {
        await using var services = await StartAsync();
        var library = services.Get<IMediaLibrary>();
        var files = (MediaFileStore)services.Get<IMediaFileStore>();

        var first = await library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.VerticalMp4), Ct);
        var second = await library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.VerticalMp4), Ct);

        Assert.NotEqual(first.Id, second.Id);
        Assert.Matches("^med_[0-9a-f]{32}$", first.Id);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(TestMedia.Bytes(TestMedia.VerticalMp4))), first.Sha256);
        Assert.Equal(new MediaProbe("video/mp4", MediaTypes.Video, 72, 128, first.Probe.DurationSeconds, "avc1", first.Probe.FrameRate), first.Probe);
        Assert.Equal(Path.Combine(services.Directory, "media"), files.Root);
        var stored = Path.Combine(files.Root, first.Sha256[..2], first.Sha256);
        Assert.Equal(TestMedia.Bytes(TestMedia.VerticalMp4), await File.ReadAllBytesAsync(stored, Ct));
        // One file for both rows, and no staging file left behind.
        Assert.Single(Directory.EnumerateFiles(files.Root, "*", SearchOption.AllDirectories));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(stored));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(files.Root));
        }
        var page = await library.ListAsync(LocalWorkspace.Id, 10, 0, Ct);
        Assert.Equal(2, page.Total);
        Assert.Equal([second.Id, first.Id], page.Items.Select(a => a.Id));
    }

    [Fact]
    public async Task Delete_KeepsTheFileWhileAnotherRowNamesIt_ThenDeletesIt()
    {
        await using var services = await StartAsync();
        var library = services.Get<IMediaLibrary>();
        var files = services.Get<IMediaFileStore>();
        var first = await library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.Png), Ct);
        var second = await library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.Png), Ct);

        await library.DeleteAsync(LocalWorkspace.Id, first.Id, Ct);
        Assert.True(files.Exists(first.Sha256));
        await using (var read = await library.OpenReadAsync(second, Ct))
            Assert.Equal(TestMedia.Bytes(TestMedia.Png).Length, read.Length);

        await library.DeleteAsync(LocalWorkspace.Id, second.Id, Ct);
        Assert.False(files.Exists(first.Sha256));
        var gone = await Assert.ThrowsAsync<NotFoundException>(() => library.GetAsync(LocalWorkspace.Id, first.Id, "$.mediaId", Ct));
        Assert.Equal(ErrorCodes.MediaNotFound, gone.Problem.Code);
    }

    [Fact]
    public async Task AnotherWorkspacesId_IsNotFound_ForGetDeleteAndPosts()
    {
        await using var services = await StartAsync();
        var library = services.Get<IMediaLibrary>();
        var other = await services.Get<WorkspaceService>().CreateAsync("other", Ct);
        var theirs = await library.UploadAsync(other.Id, Inline(TestMedia.Jpeg), Ct);

        var get = await Assert.ThrowsAsync<NotFoundException>(() => library.GetAsync(LocalWorkspace.Id, theirs.Id, "$.mediaId", Ct));
        var delete = await Assert.ThrowsAsync<NotFoundException>(() => library.DeleteAsync(LocalWorkspace.Id, theirs.Id, Ct));
        var post = await Assert.ThrowsAsync<NotFoundException>(() => services.Get<PostService>().CreateAsync(LocalWorkspace.Id,
            Drafts.Create("Theirs", Platform.X) with { Content = WithMedia(new MediaItem(null, null!, MediaId: theirs.Id)) }, Ct));

        Assert.Equal(ErrorCodes.MediaNotFound, get.Problem.Code);
        Assert.Equal(ErrorCodes.MediaNotFound, delete.Problem.Code);
        Assert.Equal((ErrorCodes.MediaNotFound, "$.content.media[0].mediaId"), (post.Problem.Code, post.Problem.Path));
        Assert.Equal(0, (await library.ListAsync(LocalWorkspace.Id, 10, 0, Ct)).Total);
        Assert.Equal(theirs, await library.GetAsync(other.Id, theirs.Id, "$.mediaId", Ct));
    }

    [Fact]
    public async Task Delete_WhileAScheduledPostUsesIt_IsMediaInUse_AndNothingChanges()
    {
        await using var services = await StartAsync();
        var library = services.Get<IMediaLibrary>();
        var posts = services.Get<PostService>();
        var image = await library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.Png), Ct);
        var scheduled = await posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Soon", Platform.X) with
        {
            Content = WithMedia(new MediaItem(null, null!, MediaId: image.Id, AltText: "A test card")),
            ScheduledFor = services.Clock.GetUtcNow().AddHours(1),
        }, Ct);

        var error = await Assert.ThrowsAsync<ConflictException>(() => library.DeleteAsync(LocalWorkspace.Id, image.Id, Ct));

        Assert.Equal((ErrorCodes.MediaInUse, "$.mediaId"), (error.Problem.Code, error.Problem.Path));
        Assert.Contains(scheduled.Post.Id, error.Problem.Message);
        Assert.Equal(image, await library.GetAsync(LocalWorkspace.Id, image.Id, "$.mediaId", Ct));
        Assert.True(services.Get<IMediaFileStore>().Exists(image.Sha256));

        // Once the post no longer goes out, the media may go.
        await posts.CancelAsync(LocalWorkspace.Id, scheduled.Post.Id, null, Ct);
        await library.DeleteAsync(LocalWorkspace.Id, image.Id, Ct);
    }

    [Fact]
    public async Task Delete_WhileAFailedPostNeedsItForItsRetry_IsMediaInUse_UntilThePostIsDiscarded()
    {
        await using var services = await StartAsync();
        var library = services.Get<IMediaLibrary>();
        var posts = services.Get<PostService>();
        var image = await library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.Png), Ct);
        await services.MakeSandboxFailAsync(Platform.X, ErrorCodes.PlatformError);
        var post = await posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Chart", Platform.X) with
        {
            Content = WithMedia(new MediaItem(null, null!, MediaId: image.Id, AltText: "A chart")),
        }, Ct);
        Assert.Equal(PostStatus.Failed, (await posts.PublishAsync(LocalWorkspace.Id, post.Post.Id, null, Ct)).Post.Status);

        var error = await Assert.ThrowsAsync<ConflictException>(() => library.DeleteAsync(LocalWorkspace.Id, image.Id, Ct));

        Assert.Equal(ErrorCodes.MediaInUse, error.Problem.Code);
        Assert.Contains(post.Post.Id, error.Problem.Message);
        Assert.Contains("retry_post", error.Problem.Hint);
        await posts.CancelAsync(LocalWorkspace.Id, post.Post.Id, null, Ct);
        await library.DeleteAsync(LocalWorkspace.Id, image.Id, Ct);
    }

    [Fact]
    public async Task PostWithMediaId_StoresTheProbedFacts()
    {
        await using var services = await StartAsync();
        var video = await services.Get<IMediaLibrary>().UploadAsync(LocalWorkspace.Id, Inline(TestMedia.VerticalMp4), Ct);

        var created = await services.Get<PostService>().CreateAsync(LocalWorkspace.Id,
            Drafts.Create("Clip", Platform.X) with { Content = WithMedia(new MediaItem(null, null!, MediaId: video.Id, AltText: "Blue")) }, Ct);

        var item = Assert.Single(created.Post.Content.Media);
        Assert.Equal(new MediaItem(null, "video", "video/mp4", video.SizeBytes, 72, 128, video.Probe.DurationSeconds, "Blue", null, video.Id, "avc1",
            video.Probe.FrameRate), item);
        var stored = await services.Get<PostService>().GetAsync(LocalWorkspace.Id, created.Post.Id, Ct);
        Assert.Equal(item, Assert.Single(stored.Post.Content.Media));
    }

    [Fact]
    public async Task StorageQuota_RefusesTheUploadThatWouldPassIt_AndKeepsNothingOfIt()
    {
        var pngSize = TestMedia.Bytes(TestMedia.Png).Length;
        await using var services = await StartAsync(new Dictionary<string, string?> { ["Quotas:MediaStorageBytes"] = (pngSize + 100).ToString() });
        var library = services.Get<IMediaLibrary>();
        await library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.Png), Ct);

        var error = await Assert.ThrowsAsync<LimitReachedException>(() => library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.Jpeg), Ct));

        Assert.Equal((ErrorCodes.QuotaExceeded, "$.data"), (error.Problem.Code, error.Problem.Path));
        Assert.Equal(1, (await library.ListAsync(LocalWorkspace.Id, 10, 0, Ct)).Total);
        Assert.Single(Directory.EnumerateFiles(((MediaFileStore)services.Get<IMediaFileStore>()).Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task MonthlyUploadQuota_RefusesTheNextUpload_UntilTheMonthTurns()
    {
        await using var services = await StartAsync(new Dictionary<string, string?> { ["Quotas:MediaUploadsPerMonth"] = "2" });
        var library = services.Get<IMediaLibrary>();
        await library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.Png), Ct);
        await library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.Gif), Ct);

        var error = await Assert.ThrowsAsync<LimitReachedException>(() => library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.Jpeg), Ct));
        Assert.Equal(ErrorCodes.QuotaExceeded, error.Problem.Code);

        services.Clock.Advance(TimeSpan.FromDays(31));
        await library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.Jpeg), Ct);
    }

    [Fact]
    public async Task FileOverTheUploadCap_IsMediaTooLarge_AndLeavesNoStagingFile()
    {
        await using var services = await StartAsync(new Dictionary<string, string?>
        {
            ["Media:MaxInlineBytes"] = "1000",
            ["Media:MaxUploadBytes"] = "1000",
        });

        var error = await Assert.ThrowsAsync<DomainValidationException>(() =>
            services.Get<IMediaLibrary>().UploadAsync(LocalWorkspace.Id, Inline(TestMedia.VerticalMp4), Ct));

        Assert.Equal((ErrorCodes.MediaTooLarge, "$.data"), (error.Problem.Code, error.Problem.Path));
        Assert.Empty(Directory.EnumerateFiles(((MediaFileStore)services.Get<IMediaFileStore>()).Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task SourceUrl_IsFetchedThroughTheFetcher_AndRecordsItsHostNotTheUrl()
    {
        var fetcher = new FakeMediaFetcher().Serve("https://cdn.example.com/a/b/launch.mov?sig=secret", TestMedia.Bytes(TestMedia.Mov));
        await using var services = await StartAsync(fetcher: fetcher);
        var library = services.Get<IMediaLibrary>();

        var asset = await library.UploadAsync(LocalWorkspace.Id,
            new MediaUpload { SourceUrl = new Uri("https://cdn.example.com/a/b/launch.mov?sig=secret"), Path = "$.sourceUrl" }, Ct);
        var failure = await Assert.ThrowsAsync<MediaFetchException>(() => library.UploadAsync(LocalWorkspace.Id,
            new MediaUpload { SourceUrl = new Uri("https://cdn.example.com/missing.png"), Path = "$.sourceUrl" }, Ct));

        Assert.Equal(("url", "cdn.example.com", "launch.mov", "video/quicktime"), (asset.Source, asset.SourceHost, asset.FileName, asset.Probe.MimeType));
        Assert.Equal((ErrorCodes.MediaFetchFailed, "$.sourceUrl"), (failure.Problem.Code, failure.Problem.Path));
    }

    [Fact]
    public async Task ClaimedTypeThatContradictsTheFile_IsRefused_AndNothingIsStored()
    {
        await using var services = await StartAsync();
        var library = services.Get<IMediaLibrary>();

        var error = await Assert.ThrowsAsync<DomainValidationException>(() =>
            library.UploadAsync(LocalWorkspace.Id, Inline(TestMedia.MislabelledPng, "image/jpeg"), Ct));

        Assert.Equal(ErrorCodes.MediaTypeMismatch, error.Problem.Code);
        Assert.Equal(0, (await library.ListAsync(LocalWorkspace.Id, 10, 0, Ct)).Total);
    }

    private static PostContent WithMedia(params MediaItem[] media) => Drafts.Text("With media") with { Media = media };
}
