using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Sandbox;

/// <summary>
/// A sandbox publish can never be mistaken for a real post: sandbox:// URLs (never the real site's host), ids unique
/// across processes, results and summaries that say "sandbox", and failure switches settable without editing JSON.
/// </summary>
public sealed class SandboxResultTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Publish_ThroughTheEmulator_AnswersSandboxUrlsNotTheRealSites()
    {
        await using var emulated = await EmulatedPublishing.StartAsync([Platform.X, Platform.LinkedIn]);
        var post = await emulated.CreateAsync("Hello sandbox", Platform.X, Platform.LinkedIn);

        var published = await emulated.Posts.PublishAsync(LocalWorkspace.Id, post.Post.Id, null, Ct);

        Assert.All(published.Targets, target =>
        {
            var name = target.Platform.ToWireName();
            Assert.Equal(TargetStatus.Published, target.Status);
            Assert.StartsWith("sbx-", target.PlatformPostId);
            Assert.Equal($"sandbox://{name}/{Uri.EscapeDataString(target.PlatformPostId!)}", target.PublicUrl);
            var url = new Uri(target.PublicUrl!);
            Assert.Equal("sandbox", url.Scheme);
            Assert.Equal(name, url.Host);
            Assert.True(target.AccountIsSandbox);
            Assert.Equal($"sandbox-{name}", target.AccountHandle);
        });
        var stored = await emulated.GetAsync(post.Post.Id);
        Assert.All(stored.Targets, t => Assert.StartsWith("sandbox://", t.PublicUrl));
        Assert.All(stored.Targets, t => Assert.True(t.AccountIsSandbox));
    }

    [Fact]
    public async Task Publish_InTwoProcesses_NeverGivesTwoPostsTheSameIdOrUrl()
    {
        // Each emulator (one per server process) numbers its posts from the same start.
        string firstId, secondId;
        await using (var first = await EmulatedPublishing.StartAsync([Platform.X]))
        {
            var post = await first.CreateAsync("One", Platform.X);
            firstId = (await first.Posts.PublishAsync(LocalWorkspace.Id, post.Post.Id, null, Ct)).Targets.Single().PlatformPostId!;
        }
        await using (var second = await EmulatedPublishing.StartAsync([Platform.X]))
        {
            var post = await second.CreateAsync("One", Platform.X);
            secondId = (await second.Posts.PublishAsync(LocalWorkspace.Id, post.Post.Id, null, Ct)).Targets.Single().PlatformPostId!;
        }

        Assert.NotEqual(firstId, secondId);
        Assert.Equal(SandboxPostIds.EmulatorIdOf(firstId), SandboxPostIds.EmulatorIdOf(secondId));
    }

    [Fact]
    public async Task Withdraw_AWrappedSandboxId_ReachesTheEmulatedPost()
    {
        await using var emulated = await EmulatedPublishing.StartAsync([Platform.X]);
        var post = await emulated.CreateAsync("Take me down", Platform.X);
        await emulated.Posts.PublishAsync(LocalWorkspace.Id, post.Post.Id, null, Ct);

        var withdrawn = await emulated.Posts.WithdrawAsync(LocalWorkspace.Id, post.Post.Id, null, null, Ct);

        var outcome = Assert.Single(withdrawn.Outcomes);
        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(TargetStatus.Withdrawn, withdrawn.Post.Targets.Single().Status);
    }

    [Theory]
    [InlineData("1880000000000000001")]
    [InlineData("urn:li:share:7001")]
    [InlineData("123_456-789")]
    public void SandboxPostIds_WrapThenUnwrap_GivesTheEmulatorIdBack(string emulatorId)
    {
        var wrapped = SandboxPostIds.Wrap(emulatorId, TestTime.Start);

        Assert.StartsWith("sbx-", wrapped);
        Assert.Equal(emulatorId, SandboxPostIds.EmulatorIdOf(wrapped));
        Assert.True(Uri.TryCreate(SandboxPostIds.UrlOf(Platform.LinkedIn, wrapped), UriKind.Absolute, out var url));
        Assert.Equal("sandbox", url.Scheme);
    }

    [Fact]
    public void SandboxPostIds_AnIdStoredBeforeWrapping_PassesThrough()
    {
        Assert.Equal("1880000000000000001", SandboxPostIds.EmulatorIdOf("1880000000000000001"));
        Assert.Equal("sbx-short", SandboxPostIds.EmulatorIdOf("sbx-short"));
    }

    [Fact]
    public async Task PublishPostTool_SandboxTargets_SaySandboxWithTheAccountUsed()
    {
        await using var server = await InProcessMcpServer.StartAsync();
        var created = (await server.CallOkAsync("create_post", """{"content": {"text": "Tool sandbox"}, "platforms": ["x", "threads"]}""")).StructuredContent!.Value;

        var published = (await server.CallOkAsync("publish_post", $$"""{"postId": "{{created.GetProperty("id").GetString()}}"}""")).StructuredContent!.Value;

        Assert.Contains("Sandbox on every platform", published.GetProperty("summary").GetString());
        foreach (var target in published.GetProperty("targets").EnumerateArray())
        {
            var platform = target.GetProperty("platform").GetString();
            Assert.True(target.GetProperty("sandbox").GetBoolean());
            Assert.Equal($"sandbox-{platform}", target.GetProperty("accountHandle").GetString());
            Assert.False(string.IsNullOrEmpty(target.GetProperty("accountId").GetString()));
            Assert.StartsWith($"sandbox://{platform}/sbx-", target.GetProperty("url").GetString());
        }
    }

    [Fact]
    public async Task FailureSwitches_SetThenOff_PublishFailsThenSucceeds()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var switches = new SandboxFailureSwitches(services.Store, services.Clock);
        var posts = services.Get<SocialMcp.Core.Posts.PostService>();

        var on = await switches.SetAsync(LocalWorkspace.Id, Platform.X, null, "platform_error", null, Ct);
        var failing = await posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Fail me", Platform.X), Ct);
        var failed = await posts.PublishAsync(LocalWorkspace.Id, failing.Post.Id, null, Ct);
        var off = await switches.SetAsync(LocalWorkspace.Id, Platform.X, WorkspaceProvisioner.DefaultSetName, "off", null, Ct);
        var passing = await posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Pass me", Platform.X), Ct);
        var passed = await posts.PublishAsync(LocalWorkspace.Id, passing.Post.Id, null, Ct);

        Assert.Equal(ErrorCodes.PlatformError, on.FailPublish);
        Assert.Equal(ErrorCodes.PlatformError, failed.Targets.Single().ErrorCode);
        Assert.Null(off.FailPublish);
        Assert.Equal(TargetStatus.Published, passed.Targets.Single().Status);
        var metadata = (await services.AccountAsync(Platform.X)).Metadata;
        Assert.False(metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("sandbox", out _));
    }

    [Fact]
    public async Task FailureSwitches_UnknownCode_IsRefusedNamingTheCodes()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var switches = new SandboxFailureSwitches(services.Store, services.Clock);

        var refused = await Assert.ThrowsAsync<DomainValidationException>(() =>
            switches.SetAsync(LocalWorkspace.Id, Platform.X, null, null, "EXPLODE", Ct));

        Assert.Equal(ErrorCodes.ValidationFailed, refused.Problem.Code);
        Assert.Equal("$.failWithdraw", refused.Problem.Path);
        Assert.Contains(ErrorCodes.RateLimited, refused.Problem.Message);
    }
}
