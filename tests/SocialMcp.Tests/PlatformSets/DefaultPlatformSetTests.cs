using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.PlatformSets;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.PlatformSets;

/// <summary>
/// A set can be made the workspace's default, and a post that names no set never quietly goes to a sandbox account
/// while the workspace has a real account for that platform.
/// </summary>
public sealed class DefaultPlatformSetTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private PlatformSetService Sets => _services.Get<PlatformSetService>();
    private PostService Posts => _services.Get<PostService>();

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task MakeDefault_AnotherSet_PostsWithoutSetIdUseIt()
    {
        var acme = await Sets.CreateAsync(Ws, "Acme", withSandboxAccounts: true, Ct);

        var made = await Sets.MakeDefaultAsync(Ws, acme.Set.Id, Ct);
        var post = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);

        Assert.True(made.Set.IsDefault);
        var sets = await ListAsync();
        Assert.Equal(acme.Set.Id, Assert.Single(sets, s => s.Set.IsDefault).Set.Id);
        Assert.Equal(acme.Set.Id, post.Post.PlatformSetId);
    }

    [Fact]
    public async Task MakeDefault_TheDefaultAlready_ChangesNothing()
    {
        var sandbox = Assert.Single(await ListAsync(), s => s.Set.IsDefault);

        var made = await Sets.MakeDefaultAsync(Ws, sandbox.Set.Id, Ct);

        Assert.True(made.Set.IsDefault);
        Assert.Single(await ListAsync(), s => s.Set.IsDefault);
    }

    [Fact]
    public async Task MakeDefault_UnknownSet_IsPlatformSetNotFound()
    {
        var missing = await Assert.ThrowsAsync<NotFoundException>(() => Sets.MakeDefaultAsync(Ws, "no-such-set", Ct));

        Assert.Equal(ErrorCodes.PlatformSetNotFound, missing.Problem.Code);
        Assert.Equal("$.platformSetId", missing.Problem.Path);
    }

    [Fact]
    public async Task Delete_TheOldDefaultAfterTheDefaultMoved_IsAllowed_ButTheNewDefaultStaysProtected()
    {
        var sandbox = Assert.Single(await ListAsync(), s => s.Set.IsDefault);
        var acme = await Sets.CreateAsync(Ws, "Acme", withSandboxAccounts: true, Ct);
        await Sets.MakeDefaultAsync(Ws, acme.Set.Id, Ct);

        await Sets.DeleteAsync(Ws, sandbox.Set.Id, Ct);
        var protectedDefault = await Assert.ThrowsAsync<ConflictException>(() => Sets.DeleteAsync(Ws, acme.Set.Id, Ct));

        Assert.Equal(ErrorCodes.DefaultPlatformSetProtected, protectedDefault.Problem.Code);
        Assert.Contains("set_default_platform_set", protectedDefault.Problem.Hint);
    }

    [Fact]
    public async Task FindAsync_ByNameOrId_FindsTheSet()
    {
        var acme = await Sets.CreateAsync(Ws, "Acme", withSandboxAccounts: false, Ct);

        Assert.Equal(acme.Set.Id, (await Sets.FindAsync(Ws, "Acme", Ct)).Id);
        Assert.Equal(acme.Set.Id, (await Sets.FindAsync(Ws, acme.Set.Id, Ct)).Id);
        await Assert.ThrowsAsync<NotFoundException>(() => Sets.FindAsync(Ws, "Nope", Ct));
    }

    [Fact]
    public async Task Create_WithoutSetId_WhileARealAccountExistsElsewhere_IsRefusedAtThatPlatform()
    {
        var acme = await Sets.CreateAsync(Ws, "Acme", withSandboxAccounts: false, Ct);
        var real = await AddRealAccountAsync(acme.Set.Id, Platform.X, "acme_brand");

        var refused = await Assert.ThrowsAsync<DomainValidationException>(() =>
            Posts.CreateAsync(Ws, Drafts.Create("Launch", Platform.LinkedIn, Platform.X), Ct));

        var problem = Assert.Single(refused.Problems);
        Assert.Equal(ErrorCodes.SandboxFallbackRefused, problem.Code);
        Assert.Equal("$.platforms[1]", problem.Path);
        Assert.Equal(Platform.X, problem.Platform);
        Assert.Contains("acme_brand", problem.Message);
        Assert.Contains(acme.Set.Id, problem.Hint);
        Assert.Contains("set_default_platform_set", problem.Hint);
        Assert.Equal(0, await _services.Store.ReadAsync(s => s.Posts.CountAsync(Ws, new PostQuery(null, null, 100, 0), Ct), Ct));
        Assert.False(real.IsSandbox);
    }

    [Fact]
    public async Task Validate_DraftWithoutSetId_WhileARealAccountExistsElsewhere_IsRefusedToo()
    {
        var acme = await Sets.CreateAsync(Ws, "Acme", withSandboxAccounts: false, Ct);
        await AddRealAccountAsync(acme.Set.Id, Platform.X, "acme_brand");

        var refused = await Assert.ThrowsAsync<DomainValidationException>(() =>
            Posts.ValidateAsync(Ws, new ValidatePostCommand(Drafts.Create("Launch", Platform.X), null), Ct));

        Assert.Equal(ErrorCodes.SandboxFallbackRefused, refused.Problem.Code);
        Assert.Equal("$.platforms[0]", refused.Problem.Path);
    }

    [Fact]
    public async Task Create_NamingTheSandboxSet_IsAllowedEvenWithARealAccountElsewhere()
    {
        var sandbox = Assert.Single(await ListAsync(), s => s.Set.IsDefault);
        var acme = await Sets.CreateAsync(Ws, "Acme", withSandboxAccounts: false, Ct);
        await AddRealAccountAsync(acme.Set.Id, Platform.X, "acme_brand");

        var post = await Posts.CreateAsync(Ws, Drafts.Create("On purpose", Platform.X) with { PlatformSetId = sandbox.Set.Id }, Ct);

        Assert.True(post.Targets.Single().AccountIsSandbox);
    }

    [Fact]
    public async Task Create_WithoutSetId_OnPlatformsWithNoRealAccount_StillUsesTheSandbox()
    {
        var acme = await Sets.CreateAsync(Ws, "Acme", withSandboxAccounts: false, Ct);
        await AddRealAccountAsync(acme.Set.Id, Platform.X, "acme_brand");

        var post = await Posts.CreateAsync(Ws, Drafts.Create("Only linkedin", Platform.LinkedIn), Ct);

        Assert.True(post.Targets.Single().AccountIsSandbox);
    }

    [Fact]
    public async Task Create_WithoutSetId_AfterTheRealSetIsMadeDefault_UsesTheRealAccount_AndSaysWhichOne()
    {
        var acme = await Sets.CreateAsync(Ws, "Acme", withSandboxAccounts: false, Ct);
        var real = await AddRealAccountAsync(acme.Set.Id, Platform.X, "acme_brand");
        await Sets.MakeDefaultAsync(Ws, acme.Set.Id, Ct);

        var created = await Posts.CreateAsync(Ws, Drafts.Create("For real", Platform.X), Ct);
        var read = await Posts.GetAsync(Ws, created.Post.Id, Ct);

        foreach (var target in new[] { created.Targets.Single(), read.Targets.Single() })
        {
            Assert.Equal(real.Id, target.AccountId);
            Assert.Equal("acme_brand", target.AccountHandle);
            Assert.False(target.AccountIsSandbox);
        }
    }

    [Fact]
    public async Task SetDefaultPlatformSetTool_MakesTheSetDefault()
    {
        await using var server = await InProcessMcpServer.StartAsync();
        var created = (await server.CallOkAsync("create_platform_set", """{"name": "Brand", "withSandboxAccounts": true}""")).StructuredContent!.Value;
        var id = created.GetProperty("platformSet").GetProperty("id").GetString();

        var made = (await server.CallOkAsync("set_default_platform_set", $$"""{"platformSetId": "{{id}}"}""")).StructuredContent!.Value;
        var listed = (await server.CallOkAsync("list_platform_sets", "{}")).StructuredContent!.Value;

        Assert.True(made.GetProperty("platformSet").GetProperty("isDefault").GetBoolean());
        Assert.Contains("now the default", made.GetProperty("summary").GetString());
        var defaults = listed.GetProperty("platformSets").EnumerateArray().Where(s => s.GetProperty("isDefault").GetBoolean()).ToList();
        Assert.Equal(id, Assert.Single(defaults).GetProperty("id").GetString());
    }

    private Task<IReadOnlyList<PlatformSetSummary>> ListAsync() =>
        _services.Store.ReadAsync(s => s.PlatformSets.ListWithAccountCountsAsync(Ws, Ct), Ct);

    private async Task<Account> AddRealAccountAsync(string setId, Platform platform, string handle)
    {
        var now = _services.Clock.GetUtcNow();
        var account = new Account
        {
            Id = Guid.CreateVersion7(now).ToString(),
            WorkspaceId = Ws,
            PlatformSetId = setId,
            Platform = platform,
            Handle = handle,
            PlatformAccountId = "4242",
            TokenReference = "env:SOCIALMCP_TEST_NO_SUCH_TOKEN",
            IsSandbox = false,
            Metadata = JsonDocument.Parse("{}").RootElement,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await _services.Store.WriteAsync(async s => { await s.Accounts.InsertAsync(account, Ct); return account; }, Ct);
        return account;
    }
}
