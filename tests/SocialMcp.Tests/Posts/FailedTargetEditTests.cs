using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Posts;

/// <summary>
/// update_post on a partial or failed post changes only what its failed targets will publish: live targets keep what they
/// went out with (frozen into publishedContent), a change to them is refused, and retry_post publishes the edited content.
/// </summary>
public sealed class FailedTargetEditTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private PostService Posts => _services.Get<PostService>();

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    /// <summary>x goes out with <paramref name="text"/>; linkedin fails (the sandbox's failure switch), then the switch is off.</summary>
    private async Task<PostDetails> PartialAsync(string text = "Launch day!", PostContent? content = null)
    {
        await _services.MakeSandboxFailAsync(Platform.LinkedIn, ErrorCodes.PlatformError);
        var created = await Posts.CreateAsync(Ws, new CreatePostCommand
        {
            Content = content ?? Drafts.Text(text),
            Platforms = [Platform.X, Platform.LinkedIn],
        }, Ct);
        var partial = await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);
        Assert.Equal(PostStatus.Partial, partial.Post.Status);
        await _services.MakeSandboxFailAsync(Platform.LinkedIn, null);
        return partial;
    }

    private static PostContent WithOverride(PostContent content, Platform platform, PlatformOverride value) =>
        content with { PlatformOverrides = new Dictionary<Platform, PlatformOverride>(content.PlatformOverrides) { [platform] = value } };

    [Fact]
    public async Task Update_PartialPostText_FreezesLiveTargetAndRetryPublishesTheEditToTheFailedOne()
    {
        var partial = await PartialAsync("Launch day!");
        var xBefore = partial.Targets.Single(t => t.Platform == Platform.X);

        var edited = await Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = partial.Post.Id,
            Version = partial.Post.Version,
            Content = Drafts.Text("Launch day, fixed for LinkedIn"),
        }, Ct);

        Assert.Equal(PostStatus.Partial, edited.Post.Status);
        Assert.Equal(partial.Post.Version + 1, edited.Post.Version);
        Assert.Equal("Launch day, fixed for LinkedIn", edited.Post.Content.Text);
        var frozen = Assert.Single(edited.Post.PublishedContent!);
        Assert.Equal(Platform.X, frozen.Key);
        Assert.Equal("Launch day!", frozen.Value.Text);
        var xAfter = edited.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(xBefore, xAfter with { AccountHandle = xBefore.AccountHandle, AccountIsSandbox = xBefore.AccountIsSandbox });
        var stored = await Posts.GetAsync(Ws, partial.Post.Id, Ct);
        Assert.Equal("Launch day!", stored.Post.PublishedContent![Platform.X].Text);
        var edit = (await Posts.GetHistoryAsync(Ws, partial.Post.Id, Ct)).Single(e => e.EventType == "failed_targets_edited");
        Assert.Equal("platforms=linkedin fields=text", edit.Detail);

        var retried = await Posts.RetryAsync(Ws, partial.Post.Id, null, edited.Post.Version, Ct);

        Assert.Equal(PostStatus.Published, retried.Post.Status);
        var delivered = _services.Sandbox.Deliveries.Where(d => d.PostId == partial.Post.Id).ToList();
        Assert.Equal("Launch day!", delivered.Single(d => d.Platform == Platform.X).Text);
        Assert.Equal("Launch day, fixed for LinkedIn", delivered.Single(d => d.Platform == Platform.LinkedIn).Text);
        Assert.Equal(xBefore.PlatformPostId, retried.Targets.Single(t => t.Platform == Platform.X).PlatformPostId);
    }

    [Fact]
    public async Task Update_OverrideOfALiveTarget_IsTargetNotEditableAndChangesNothing()
    {
        var partial = await PartialAsync();
        var content = WithOverride(partial.Post.Content, Platform.X, new PlatformOverride("Rewritten for x"));

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = partial.Post.Id,
            Version = partial.Post.Version,
            Content = content,
        }, Ct));

        Assert.Equal(ErrorCodes.TargetNotEditable, ex.Problem.Code);
        Assert.Equal("$.content.platformOverrides.x", ex.Problem.Path);
        Assert.Equal(Platform.X, ex.Problem.Platform);
        Assert.Contains("linkedin", ex.Problem.Hint);
        var stored = await Posts.GetAsync(Ws, partial.Post.Id, Ct);
        Assert.Equal(partial.Post.Version, stored.Post.Version);
        Assert.Equal(partial.Post.Content.Text, stored.Post.Content.Text);
        Assert.Null(stored.Post.PublishedContent);
    }

    [Fact]
    public async Task Update_OverrideOfTheFailedTargetOnly_KeepsSharedTextAndRecordsTextAndSettings()
    {
        var partial = await PartialAsync("Shared text");
        var settings = JsonSerializer.SerializeToElement(new { visibility = "CONNECTIONS" });
        var content = WithOverride(partial.Post.Content, Platform.LinkedIn, new PlatformOverride("LinkedIn only", settings));

        var edited = await Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = partial.Post.Id,
            Version = partial.Post.Version,
            Content = content,
        }, Ct);

        Assert.Equal("Shared text", edited.Post.Content.TextFor(Platform.X));
        Assert.Equal("LinkedIn only", edited.Post.Content.TextFor(Platform.LinkedIn));
        var edit = (await Posts.GetHistoryAsync(Ws, partial.Post.Id, Ct)).Single(e => e.EventType == "failed_targets_edited");
        Assert.Equal("platforms=linkedin fields=text,settings", edit.Detail);
    }

    [Fact]
    public async Task Update_FailedTargetBreaksItsPlatformsRules_IsRefusedWithThePathAndNothingChanges()
    {
        var partial = await PartialAsync();
        var content = WithOverride(partial.Post.Content, Platform.LinkedIn, new PlatformOverride(new string('a', 3001)));

        var ex = await Assert.ThrowsAsync<DomainValidationException>(() => Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = partial.Post.Id,
            Version = partial.Post.Version,
            Content = content,
        }, Ct));

        Assert.Equal(ErrorCodes.ContentTooLong, ex.Problem.Code);
        Assert.Equal("$.content.platformOverrides.linkedin.text", ex.Problem.Path);
        Assert.Equal(partial.Post.Version, (await Posts.GetAsync(Ws, partial.Post.Id, Ct)).Post.Version);
    }

    [Fact]
    public async Task Update_SharedTextTooLongForTheLiveTargetOnly_IsAcceptedBecauseOnlyFailedPlatformsAreChecked()
    {
        var partial = await PartialAsync();
        // Over x's 280 but within linkedin's 3000: x is live and keeps what it went out with.
        var longText = new string('a', 400);

        var edited = await Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = partial.Post.Id,
            Version = partial.Post.Version,
            Content = Drafts.Text(longText),
        }, Ct);

        Assert.Equal(longText, edited.Post.Content.Text);
        Assert.Equal("Launch day!", edited.Post.PublishedContent![Platform.X].Text);
    }

    [Fact]
    public async Task Update_StaleVersion_IsVersionConflict()
    {
        var partial = await PartialAsync();

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = partial.Post.Id,
            Version = partial.Post.Version - 1,
            Content = Drafts.Text("Too late"),
        }, Ct));

        Assert.Equal(ErrorCodes.VersionConflict, ex.Problem.Code);
    }

    [Theory]
    [InlineData("platforms", "$.platforms")]
    [InlineData("platformSetId", "$.platformSetId")]
    [InlineData("scheduledFor", "$.scheduledFor")]
    public async Task Update_FieldsOnlyADraftMayChange_AreRefusedAtTheirPath(string field, string path)
    {
        var partial = await PartialAsync();
        var command = new UpdatePostCommand { PostId = partial.Post.Id, Version = partial.Post.Version };
        command = field switch
        {
            "platforms" => command with { Platforms = [Platform.LinkedIn] },
            "platformSetId" => command with { PlatformSetId = "another-set" },
            _ => command with { ScheduledFor = TestServices.Start.AddHours(2) },
        };

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.UpdateAsync(Ws, command, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, ex.Problem.Code);
        Assert.Equal(path, ex.Problem.Path);
    }

    [Fact]
    public async Task Update_FailedPost_EditsEveryTargetAndStaysFailedWithNothingFrozen()
    {
        await _services.MakeSandboxFailAsync(Platform.X, ErrorCodes.PlatformError);
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Nope", Platform.X), Ct);
        var failed = await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);
        Assert.Equal(PostStatus.Failed, failed.Post.Status);

        var edited = await Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = failed.Post.Id,
            Version = failed.Post.Version,
            Content = Drafts.Text("Yes"),
        }, Ct);

        Assert.Equal(PostStatus.Failed, edited.Post.Status);
        Assert.Equal("Yes", edited.Post.Content.Text);
        Assert.Empty(edited.Post.PublishedContent!);
    }

    [Fact]
    public async Task Update_SecondEdit_KeepsWhatTheLiveTargetFirstWentOutWith()
    {
        var partial = await PartialAsync("First");
        await _services.MakeSandboxFailAsync(Platform.LinkedIn, ErrorCodes.PlatformError);
        var once = await Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = partial.Post.Id,
            Version = partial.Post.Version,
            Content = Drafts.Text("Second"),
        }, Ct);
        var stillPartial = await Posts.RetryAsync(Ws, partial.Post.Id, null, once.Post.Version, Ct);
        Assert.Equal(PostStatus.Partial, stillPartial.Post.Status);

        var twice = await Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = partial.Post.Id,
            Version = stillPartial.Post.Version,
            Content = Drafts.Text("Third"),
        }, Ct);

        Assert.Equal("First", twice.Post.PublishedContent![Platform.X].Text);
        Assert.Equal("Third", twice.Post.Content.Text);
    }

    [Fact]
    public async Task Update_PublishedPost_IsStillRefused()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Live", Platform.X), Ct);
        var published = await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = published.Post.Id,
            Version = published.Post.Version,
            Content = Drafts.Text("Changed"),
        }, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, ex.Problem.Code);
        Assert.Equal("$.postId", ex.Problem.Path);
    }

    [Fact]
    public async Task Update_PartialPostWhoseOnlyOtherTargetNeedsReconciliation_IsTargetNotEditable()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Unsure", Platform.X, Platform.LinkedIn), Ct);
        await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);
        var version = await _services.Store.WriteAsync(async s =>
        {
            var post = (await s.Posts.GetAsync(Ws, created.Post.Id, Ct))!;
            Assert.True(await s.Posts.UpdateAsync(post with { Status = PostStatus.Partial, Version = post.Version + 1 }, post.Version, Ct));
            var linkedIn = (await s.Targets.ListForPostAsync(post.Id, Ct)).Single(t => t.Platform == Platform.LinkedIn);
            await s.Targets.UpdateAsync(linkedIn with { Status = TargetStatus.NeedsReconciliation, PublishedAt = null }, Ct);
            return post.Version + 1;
        }, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = created.Post.Id,
            Version = version,
            Content = Drafts.Text("Changed"),
        }, Ct));

        Assert.Equal(ErrorCodes.TargetNotEditable, ex.Problem.Code);
        Assert.Equal("$.content", ex.Problem.Path);
    }

    [Fact]
    public async Task Retry_PostWithAnOverrideOfItsLiveTarget_PublishesTheFailedOneWithoutTrippingOverTheLiveOverride()
    {
        var content = WithOverride(Drafts.Text("Shared"), Platform.X, new PlatformOverride("Only on x"));
        var partial = await PartialAsync(content: content);
        var edited = await Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = partial.Post.Id,
            Version = partial.Post.Version,
            Content = content with { Text = "Shared, fixed" },
        }, Ct);

        var retried = await Posts.RetryAsync(Ws, partial.Post.Id, null, edited.Post.Version, Ct);

        Assert.Equal(PostStatus.Published, retried.Post.Status);
        var delivered = _services.Sandbox.Deliveries.Where(d => d.PostId == partial.Post.Id).ToList();
        Assert.Equal("Only on x", delivered.Single(d => d.Platform == Platform.X).Text);
        Assert.Equal("Shared, fixed", delivered.Single(d => d.Platform == Platform.LinkedIn).Text);
        Assert.Equal("Only on x", retried.Post.PublishedContent![Platform.X].Text);
    }

    [Fact]
    public async Task Validate_PartialPostById_ChecksOnlyWhatRetryWouldPublish()
    {
        var partial = await PartialAsync();
        // Over x's 280 but within linkedin's 3000: x is live and is not checked again.
        var edited = await Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = partial.Post.Id,
            Version = partial.Post.Version,
            Content = Drafts.Text(new string('a', 400)),
        }, Ct);

        var validation = await Posts.ValidateAsync(Ws, new ValidatePostCommand(null, edited.Post.Id), Ct);

        Assert.True(validation.Report.Ok);
        Assert.Equal([Platform.LinkedIn], validation.Report.Platforms.Select(v => v.Platform));
    }

    [Fact]
    public async Task Update_OverrideForAPlatformThePostDoesNotTarget_IsValidationFailedAtItsPath()
    {
        var partial = await PartialAsync();
        var content = WithOverride(partial.Post.Content, Platform.Threads, new PlatformOverride("Nowhere"));

        var ex = await Assert.ThrowsAsync<DomainValidationException>(() => Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = partial.Post.Id,
            Version = partial.Post.Version,
            Content = content,
        }, Ct));

        Assert.Equal(ErrorCodes.ValidationFailed, ex.Problem.Code);
        Assert.Equal("$.content.platformOverrides.threads", ex.Problem.Path);
    }
}
