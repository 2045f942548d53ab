using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Posts;

public sealed class PostServiceTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private PostService Posts => _services.Get<PostService>();

    // Sandbox targets fetch their media like real accounts (issue 13): the posts' URLs answer real files.
    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync(
        new Dictionary<string, string?> { ["Scheduling:MaxScheduledPerWorkspace"] = "2" },
        s => s.AddSingleton<IMediaFetcher>(new FakeMediaFetcher()
            .Serve("https://example.com/a.jpg", TestMedia.Bytes(TestMedia.Jpeg))
            .Serve("https://example.com/v.mp4", TestMedia.Bytes(TestMedia.VerticalMp4))));

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Create_WithoutSchedule_StoresDraftWithPendingTargetsAndEvent()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi", Platform.X, Platform.Threads), Ct);

        Assert.Equal(PostStatus.Draft, created.Post.Status);
        Assert.Equal(1, created.Post.Version);
        Assert.Equal([Platform.X, Platform.Threads], created.Targets.Select(t => t.Platform));
        Assert.All(created.Targets, t => Assert.Equal(TargetStatus.Pending, t.Status));
        var history = await Posts.GetHistoryAsync(Ws, created.Post.Id, Ct);
        Assert.Equal("created", Assert.Single(history).EventType);
    }

    [Fact]
    public async Task Create_WithScheduleInWindow_IsScheduled()
    {
        var when = TestServices.Start.AddHours(2);
        var created = await Posts.CreateAsync(Ws, Drafts.Create() with { ScheduledFor = when }, Ct);

        Assert.Equal(PostStatus.Scheduled, created.Post.Status);
        Assert.Equal(when, created.Post.ScheduledFor);
    }

    [Theory]
    [InlineData(30)] // under a minute ahead
    [InlineData(61 * 24 * 3600)] // over 60 days ahead
    public async Task Create_WithScheduleOutsideWindow_FailsWithInvalidScheduleTime(int secondsAhead)
    {
        var ex = await Assert.ThrowsAsync<DomainValidationException>(() =>
            Posts.CreateAsync(Ws, Drafts.Create() with { ScheduledFor = TestServices.Start.AddSeconds(secondsAhead) }, Ct));

        Assert.Equal(ErrorCodes.InvalidScheduleTime, ex.Problem.Code);
        Assert.Equal("$.scheduledFor", ex.Problem.Path);
        Assert.Equal(0, (await Posts.ListAsync(Ws, new PostQuery(null, null, 20, 0), Ct)).Total);
    }

    [Fact]
    public async Task Create_OverScheduleLimit_FailsAndStoresNothing()
    {
        var when = TestServices.Start.AddHours(1);
        await Posts.CreateAsync(Ws, Drafts.Create() with { ScheduledFor = when }, Ct);
        await Posts.CreateAsync(Ws, Drafts.Create() with { ScheduledFor = when }, Ct);

        var ex = await Assert.ThrowsAsync<LimitReachedException>(() => Posts.CreateAsync(Ws, Drafts.Create() with { ScheduledFor = when }, Ct));

        Assert.Equal(ErrorCodes.ScheduleLimitReached, ex.Problem.Code);
        Assert.Equal(2, (await Posts.ListAsync(Ws, new PostQuery(null, null, 20, 0), Ct)).Total);
    }

    [Fact]
    public async Task Create_WithUnknownPlatformSet_FailsWithPlatformSetNotFound()
    {
        var ex = await Assert.ThrowsAsync<NotFoundException>(() =>
            Posts.CreateAsync(Ws, Drafts.Create() with { PlatformSetId = Guid.NewGuid().ToString() }, Ct));

        Assert.Equal(ErrorCodes.PlatformSetNotFound, ex.Problem.Code);
    }

    [Fact]
    public async Task Create_InSetWithoutAccount_FailsWithPlatformNotConnectedAtThatPlatform()
    {
        var emptySet = new PlatformSet(Guid.NewGuid().ToString(), Ws, "Empty", false, TestServices.Start);
        await _services.Store.WriteAsync(async s => { await s.PlatformSets.InsertAsync(emptySet, Ct); return 0; }, Ct);

        var ex = await Assert.ThrowsAsync<DomainValidationException>(() =>
            Posts.CreateAsync(Ws, Drafts.Create("Hi", Platform.X) with { PlatformSetId = emptySet.Id }, Ct));

        Assert.Equal(ErrorCodes.PlatformNotConnected, ex.Problem.Code);
        Assert.Equal("$.platforms[0]", ex.Problem.Path);
        Assert.Equal(Platform.X, ex.Problem.Platform);
    }

    [Fact]
    public async Task Create_TextOverPlatformLimit_FailsWithContentTooLongForThatPlatform()
    {
        var ex = await Assert.ThrowsAsync<DomainValidationException>(() =>
            Posts.CreateAsync(Ws, Drafts.Create(new string('a', 281), Platform.X, Platform.LinkedIn), Ct));

        var problem = Assert.Single(ex.Problems);
        Assert.Equal(ErrorCodes.ContentTooLong, problem.Code);
        Assert.Equal(Platform.X, problem.Platform);
        Assert.Contains("281", problem.Message);
        Assert.Contains("280", problem.Message);
    }

    [Fact]
    public async Task Publish_Draft_PublishesEveryTargetAndBumpsVersion()
    {
        var withImage = Drafts.Text("Hi") with { Media = [new MediaItem("https://example.com/a.jpg", MediaTypes.Image, "image/jpeg")] };
        var created = await Posts.CreateAsync(Ws, new CreatePostCommand
        {
            Content = withImage,
            Platforms = [Platform.X, Platform.Amazon],
        }, Ct);

        var published = await Posts.PublishAsync(Ws, created.Post.Id, created.Post.Version, Ct);

        Assert.Equal(PostStatus.Published, published.Post.Status);
        var x = published.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(TargetStatus.Published, x.Status);
        Assert.StartsWith("sandbox://x/", x.PublicUrl);
        Assert.Equal(1, x.AttemptCount);
        Assert.Equal(TargetStatus.InReview, published.Targets.Single(t => t.Platform == Platform.Amazon).Status);
        Assert.True(published.Post.Version > created.Post.Version);
        Assert.Equal(2, _services.Sandbox.Deliveries.Count(d => d.PostId == created.Post.Id));
    }

    [Fact]
    public async Task Publish_OneTargetFails_IsPartialWithTheTargetsError()
    {
        await _services.MakeSandboxFailAsync(Platform.X, ErrorCodes.RateLimited);
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi", Platform.X, Platform.LinkedIn), Ct);

        var result = await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);

        Assert.Equal(PostStatus.Partial, result.Post.Status);
        var x = result.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(TargetStatus.Failed, x.Status);
        Assert.Equal(ErrorCodes.RateLimited, x.ErrorCode);
    }

    [Fact]
    public async Task Publish_PlatformSaysTokenExpired_TheAccountNeedsAReconnect()
    {
        await _services.MakeSandboxFailAsync(Platform.X, ErrorCodes.AuthExpired);
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi", Platform.X), Ct);

        await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);

        Assert.Equal(TokenHealth.ReconnectRequired, TokenHealth.Of(await _services.AccountAsync(Platform.X), _services.Clock.GetUtcNow()));
        var again = await Assert.ThrowsAsync<DomainValidationException>(() => Posts.RetryAsync(Ws, created.Post.Id, null, null, Ct));
        Assert.Equal(ErrorCodes.PlatformNotConnected, again.Problem.Code);
    }

    [Fact]
    public async Task Publish_AllTargetsFail_IsFailed()
    {
        await _services.MakeSandboxFailAsync(Platform.X, ErrorCodes.PlatformError);
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi", Platform.X), Ct);

        var result = await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);

        Assert.Equal(PostStatus.Failed, result.Post.Status);
    }

    [Fact]
    public async Task Publish_Twice_SecondFailsAndNothingIsPostedAgain()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);
        await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.PublishAsync(Ws, created.Post.Id, null, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, ex.Problem.Code);
        Assert.Equal(2, _services.Sandbox.Deliveries.Count(d => d.PostId == created.Post.Id));
    }

    [Fact]
    public async Task Publish_ConcurrentCalls_PublishEachTargetOnce()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            try { await Posts.PublishAsync(Ws, created.Post.Id, null, Ct); return true; }
            catch (ConflictException) { return false; }
        }));

        Assert.Equal(1, attempts.Count(ok => ok));
        Assert.Equal(2, _services.Sandbox.Deliveries.Count(d => d.PostId == created.Post.Id));
    }

    [Fact]
    public async Task Publish_WithStaleVersion_FailsWithVersionConflictAndChangesNothing()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.PublishAsync(Ws, created.Post.Id, 7, Ct));

        Assert.Equal(ErrorCodes.VersionConflict, ex.Problem.Code);
        Assert.Equal("$.version", ex.Problem.Path);
        var after = await Posts.GetAsync(Ws, created.Post.Id, Ct);
        Assert.Equal((PostStatus.Draft, 1), (after.Post.Status, after.Post.Version));
        Assert.All(after.Targets, t => Assert.Equal(TargetStatus.Pending, t.Status));
    }

    [Fact]
    public async Task Publish_UnknownPost_FailsWithPostNotFound()
    {
        var ex = await Assert.ThrowsAsync<NotFoundException>(() => Posts.PublishAsync(Ws, Guid.NewGuid().ToString(), null, Ct));

        Assert.Equal(ErrorCodes.PostNotFound, ex.Problem.Code);
    }

    [Fact]
    public async Task Retry_Partial_RepublishesOnlyFailedTargets()
    {
        await _services.MakeSandboxFailAsync(Platform.X, ErrorCodes.MediaUploadFailed);
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi", Platform.X, Platform.LinkedIn), Ct);
        var partial = await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);
        var linkedInId = partial.Targets.Single(t => t.Platform == Platform.LinkedIn).PlatformPostId;
        await _services.MakeSandboxFailAsync(Platform.X, null);

        var retried = await Posts.RetryAsync(Ws, created.Post.Id, null, null, Ct);

        Assert.Equal(PostStatus.Published, retried.Post.Status);
        Assert.Equal(linkedInId, retried.Targets.Single(t => t.Platform == Platform.LinkedIn).PlatformPostId);
        Assert.Equal(2, retried.Targets.Single(t => t.Platform == Platform.X).AttemptCount);
        Assert.Single(_services.Sandbox.Deliveries, d => d.PostId == created.Post.Id && d.Platform == Platform.LinkedIn);
    }

    [Fact]
    public async Task Retry_NamedTargetThatDidNotFail_FailsWithInvalidStatusTransition()
    {
        await _services.MakeSandboxFailAsync(Platform.X, ErrorCodes.PlatformError);
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi", Platform.X, Platform.LinkedIn), Ct);
        await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.RetryAsync(Ws, created.Post.Id, [Platform.LinkedIn], null, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, ex.Problem.Code);
        Assert.Equal(Platform.LinkedIn, ex.Problem.Platform);
        Assert.Equal("$.platforms[0]", ex.Problem.Path);
    }

    [Fact]
    public async Task Retry_Draft_FailsWithInvalidStatusTransition()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.RetryAsync(Ws, created.Post.Id, null, null, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, ex.Problem.Code);
    }

    [Fact]
    public async Task Update_Draft_ReplacesContentAndTargetsAndBumpsVersion()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Old", Platform.X), Ct);

        var updated = await Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = created.Post.Id,
            Version = 1,
            Content = Drafts.Text("New"),
            Platforms = [Platform.Threads, Platform.Facebook],
        }, Ct);

        Assert.Equal("New", updated.Post.Content.Text);
        Assert.Equal(2, updated.Post.Version);
        Assert.Equal([Platform.Threads, Platform.Facebook], (await Posts.GetAsync(Ws, created.Post.Id, Ct)).Targets.Select(t => t.Platform));
    }

    [Fact]
    public async Task Update_WithScheduledFor_SchedulesTheDraft()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);

        var updated = await Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = created.Post.Id,
            Version = 1,
            ScheduledFor = TestServices.Start.AddDays(1),
        }, Ct);

        Assert.Equal(PostStatus.Scheduled, updated.Post.Status);
    }

    [Fact]
    public async Task Update_ScheduledPostGainsYouTubePublishAt_IsRefused()
    {
        var video = new MediaItem("https://example.com/v.mp4", MediaTypes.Video, "video/mp4");
        var settings = System.Text.Json.JsonSerializer.SerializeToElement(new
        {
            title = "Launch",
            privacyStatus = "private",
            publishAt = TestServices.Start.AddDays(3).ToString("O"),
        });
        var scheduled = await Posts.CreateAsync(Ws, new CreatePostCommand
        {
            Content = new PostContent("Launch video", [video], null, new Dictionary<Platform, PlatformOverride> { [Platform.YouTube] = new(null, System.Text.Json.JsonSerializer.SerializeToElement(new { title = "Launch" })) }),
            Platforms = [Platform.YouTube],
            ScheduledFor = TestServices.Start.AddDays(1),
        }, Ct);
        var withPublishAt = scheduled.Post.Content with
        {
            PlatformOverrides = new Dictionary<Platform, PlatformOverride> { [Platform.YouTube] = new(null, settings) },
        };

        var ex = await Assert.ThrowsAsync<DomainValidationException>(() =>
            Posts.UpdateAsync(Ws, new UpdatePostCommand
            {
                PostId = scheduled.Post.Id,
                Version = scheduled.Post.Version,
                Content = withPublishAt,
            }, Ct));

        Assert.Contains(ex.Problems, p => p.Path == "$.content.platformOverrides.youtube.settings.publishAt");
    }

    [Fact]
    public async Task Update_WithStaleVersion_FailsWithVersionConflict()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);
        await Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = created.Post.Id,
            Version = 1,
            Content = Drafts.Text("Second"),
        }, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() =>
            Posts.UpdateAsync(Ws, new UpdatePostCommand
            {
                PostId = created.Post.Id,
                Version = 1,
                Content = Drafts.Text("Lost update"),
            }, Ct));

        Assert.Equal(ErrorCodes.VersionConflict, ex.Problem.Code);
        Assert.Equal("Second", (await Posts.GetAsync(Ws, created.Post.Id, Ct)).Post.Content.Text);
    }

    [Fact]
    public async Task Update_Published_FailsWithInvalidStatusTransition()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);
        var published = await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() =>
            Posts.UpdateAsync(Ws, new UpdatePostCommand
            {
                PostId = created.Post.Id,
                Version = published.Post.Version,
                Content = Drafts.Text("x"),
            }, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, ex.Problem.Code);
    }

    [Fact]
    public async Task Schedule_DraftThenReschedule_StaysScheduledWithNewTime()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);

        await Posts.ScheduleAsync(Ws, created.Post.Id, TestServices.Start.AddHours(1), null, Ct);
        var moved = await Posts.ScheduleAsync(Ws, created.Post.Id, TestServices.Start.AddHours(3), null, Ct);

        Assert.Equal(PostStatus.Scheduled, moved.Post.Status);
        Assert.Equal(TestServices.Start.AddHours(3), moved.Post.ScheduledFor);
        Assert.Equal(3, moved.Post.Version);
    }

    [Fact]
    public async Task Schedule_Published_FailsWithInvalidStatusTransition()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);
        await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.ScheduleAsync(Ws, created.Post.Id, TestServices.Start.AddHours(1), null, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, ex.Problem.Code);
    }

    [Theory]
    [InlineData(PostStatus.Draft)]
    [InlineData(PostStatus.Scheduled)]
    [InlineData(PostStatus.Failed)]
    [InlineData(PostStatus.Partial)]
    public async Task Cancel_FromCancellableStatus_Discards(PostStatus from)
    {
        var postId = await PostInStatusAsync(from);

        var cancelled = await Posts.CancelAsync(Ws, postId, null, Ct);

        Assert.Equal(PostStatus.Discarded, cancelled.Post.Status);
    }

    [Theory]
    [InlineData(PostStatus.Published)]
    [InlineData(PostStatus.Discarded)]
    [InlineData(PostStatus.Withdrawn)]
    public async Task Cancel_FromFinalOrLiveStatus_FailsWithInvalidStatusTransition(PostStatus from)
    {
        var postId = await PostInStatusAsync(from);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.CancelAsync(Ws, postId, null, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, ex.Problem.Code);
    }

    [Fact]
    public async Task Withdraw_Published_WithdrawsEveryLiveTarget()
    {
        var postId = await PostInStatusAsync(PostStatus.Published);

        var result = await Posts.WithdrawAsync(Ws, postId, null, null, Ct);

        Assert.Equal(PostStatus.Withdrawn, result.Post.Post.Status);
        Assert.All(result.Post.Targets, t => Assert.Equal(TargetStatus.Withdrawn, t.Status));
        Assert.All(result.Outcomes, o => Assert.True(o.Succeeded));
    }

    [Fact]
    public async Task Withdraw_SomeTargets_LeavesPostPublished()
    {
        var postId = await PostInStatusAsync(PostStatus.Published);

        var result = await Posts.WithdrawAsync(Ws, postId, [Platform.X], null, Ct);

        Assert.Equal(PostStatus.Published, result.Post.Post.Status);
        Assert.Equal(TargetStatus.Withdrawn, result.Post.Targets.Single(t => t.Platform == Platform.X).Status);
        Assert.Equal(TargetStatus.Published, result.Post.Targets.Single(t => t.Platform == Platform.LinkedIn).Status);
    }

    [Fact]
    public async Task Withdraw_PlatformWithoutDeleteApi_FailsWithWithdrawNotSupportedAndChangesNothing()
    {
        var video = Drafts.Text("Hi") with
        {
            Media = [new MediaItem("https://example.com/v.mp4", MediaTypes.Video, "video/mp4")],
            PlatformOverrides = new Dictionary<Platform, PlatformOverride>
            {
                [Platform.TikTok] = new(Settings: System.Text.Json.JsonDocument.Parse("""{"privacyLevel": "SELF_ONLY"}""").RootElement.Clone()),
            },
        };
        var created = await Posts.CreateAsync(Ws, new CreatePostCommand
        {
            Content = video,
            Platforms = [Platform.X, Platform.TikTok],
        }, Ct);
        var published = await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.WithdrawAsync(Ws, created.Post.Id, [Platform.X, Platform.TikTok], null, Ct));

        Assert.Equal(ErrorCodes.WithdrawNotSupported, ex.Problem.Code);
        Assert.Equal(Platform.TikTok, ex.Problem.Platform);
        Assert.Equal("$.platforms[1]", ex.Problem.Path);
        Assert.Equal(published, await Posts.GetAsync(Ws, created.Post.Id, Ct), new PostDetailsComparer());
    }

    [Fact]
    public async Task Withdraw_WhenPlatformFails_KeepsTargetLiveAndReportsOutcome()
    {
        var postId = await PostInStatusAsync(PostStatus.Published);
        await _services.MakeSandboxFailAsync(Platform.X, null, ErrorCodes.PlatformError);

        var result = await Posts.WithdrawAsync(Ws, postId, null, null, Ct);

        Assert.Equal(PostStatus.Published, result.Post.Post.Status);
        Assert.False(result.Outcomes.Single(o => o.Platform == Platform.X).Succeeded);
        Assert.Equal(TargetStatus.Published, result.Post.Targets.Single(t => t.Platform == Platform.X).Status);
    }

    [Fact]
    public async Task Withdraw_Draft_FailsWithInvalidStatusTransition()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.WithdrawAsync(Ws, created.Post.Id, null, null, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, ex.Problem.Code);
    }

    [Fact]
    public async Task EveryChange_AppendsAnEventWithTheNewVersion()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi", Platform.X), Ct);
        var published = await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);

        var history = await Posts.GetHistoryAsync(Ws, created.Post.Id, Ct);

        Assert.Equal(["created", "publish_started", "target_publishing", "target_published", "publish_finished"], history.Select(e => e.EventType));
        Assert.Equal(published.Post.Version, history[^1].PostVersion);
        Assert.Equal("published", history[^1].ToStatus);
    }

    [Fact]
    public async Task List_FiltersByStatusAndPlatformAndPages()
    {
        for (var i = 0; i < 3; i++)
        {
            await Posts.CreateAsync(Ws, Drafts.Create($"x{i}", Platform.X), Ct);
            _services.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        var threads = await Posts.CreateAsync(Ws, Drafts.Create("t", Platform.Threads), Ct);
        await Posts.PublishAsync(Ws, threads.Post.Id, null, Ct);

        var xPage = await Posts.ListAsync(Ws, new PostQuery(null, Platform.X, 2, 0), Ct);
        var published = await Posts.ListAsync(Ws, new PostQuery(PostStatus.Published, null, 20, 0), Ct);

        Assert.Equal(3, xPage.Total);
        Assert.Equal(["x2", "x1"], xPage.Posts.Select(p => p.Post.Content.Text));
        Assert.Equal(threads.Post.Id, Assert.Single(published.Posts).Post.Id);
    }

    /// <summary>Drives a fresh post (targets x and linkedin) into the given status through the service itself.</summary>
    private async Task<string> PostInStatusAsync(PostStatus status)
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi", Platform.X, Platform.LinkedIn), Ct);
        var id = created.Post.Id;
        switch (status)
        {
            case PostStatus.Draft:
                break;
            case PostStatus.Scheduled:
                await Posts.ScheduleAsync(Ws, id, TestServices.Start.AddHours(1), null, Ct);
                break;
            case PostStatus.Published:
                await Posts.PublishAsync(Ws, id, null, Ct);
                break;
            case PostStatus.Failed:
                await _services.MakeSandboxFailAsync(Platform.X, ErrorCodes.PlatformError);
                await _services.MakeSandboxFailAsync(Platform.LinkedIn, ErrorCodes.PlatformError);
                await Posts.PublishAsync(Ws, id, null, Ct);
                break;
            case PostStatus.Partial:
                await _services.MakeSandboxFailAsync(Platform.X, ErrorCodes.PlatformError);
                await Posts.PublishAsync(Ws, id, null, Ct);
                break;
            case PostStatus.Discarded:
                await Posts.CancelAsync(Ws, id, null, Ct);
                break;
            case PostStatus.Withdrawn:
                await Posts.PublishAsync(Ws, id, null, Ct);
                await Posts.WithdrawAsync(Ws, id, null, null, Ct);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status));
        }
        await _services.MakeSandboxFailAsync(Platform.X, null);
        await _services.MakeSandboxFailAsync(Platform.LinkedIn, null);
        Assert.Equal(status, (await Posts.GetAsync(Ws, id, Ct)).Post.Status);
        return id;
    }

    private sealed class PostDetailsComparer : IEqualityComparer<PostDetails>
    {
        public bool Equals(PostDetails? a, PostDetails? b) =>
            a is not null && b is not null && a.Post.Version == b.Post.Version && a.Post.Status == b.Post.Status
            && a.Targets.Select(t => (t.Platform, t.Status, t.PlatformPostId)).SequenceEqual(b.Targets.Select(t => (t.Platform, t.Status, t.PlatformPostId)));

        public int GetHashCode(PostDetails obj) => obj.Post.Id.GetHashCode();
    }
}
