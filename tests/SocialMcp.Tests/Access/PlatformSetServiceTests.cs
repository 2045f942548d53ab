using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.PlatformSets;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Access;

public sealed class PlatformSetServiceTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private PlatformSetService Sets => _services.Get<PlatformSetService>();

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync(
        new Dictionary<string, string?> { ["PlatformSets:MaxPerWorkspace"] = "3" });

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Create_WithSandboxAccounts_HasOneAccountPerPlatform_AndPostsCanUseIt()
    {
        var created = await Sets.CreateAsync(Ws, "Acme", withSandboxAccounts: true, Ct);

        Assert.Equal(8, created.AccountCount);
        var post = await _services.Get<PostService>().CreateAsync(Ws, Drafts.Create() with { PlatformSetId = created.Set.Id }, Ct);
        Assert.Equal(created.Set.Id, post.Post.PlatformSetId);
    }

    [Fact]
    public async Task Create_Empty_HasNoAccounts_SoPostsGetPlatformNotConnected()
    {
        var created = await Sets.CreateAsync(Ws, "Empty", withSandboxAccounts: false, Ct);

        var ex = await Assert.ThrowsAsync<DomainValidationException>(() =>
            _services.Get<PostService>().CreateAsync(Ws, Drafts.Create() with { PlatformSetId = created.Set.Id }, Ct));
        Assert.Equal(ErrorCodes.PlatformNotConnected, ex.Problem.Code);
    }

    [Fact]
    public async Task Create_OverLimit_FailsWithPlatformSetLimitReached()
    {
        await Sets.CreateAsync(Ws, "Two", false, Ct);
        await Sets.CreateAsync(Ws, "Three", false, Ct);

        var ex = await Assert.ThrowsAsync<LimitReachedException>(() => Sets.CreateAsync(Ws, "Four", false, Ct));

        Assert.Equal(ErrorCodes.PlatformSetLimitReached, ex.Problem.Code);
    }

    [Fact]
    public async Task Create_TakenName_FailsWithPlatformSetNameTaken()
    {
        var ex = await Assert.ThrowsAsync<ConflictException>(() => Sets.CreateAsync(Ws, "Sandbox", false, Ct));

        Assert.Equal(ErrorCodes.PlatformSetNameTaken, ex.Problem.Code);
        Assert.Equal("$.name", ex.Problem.Path);
    }

    [Fact]
    public async Task Rename_ChangesNameKeepsId()
    {
        var created = await Sets.CreateAsync(Ws, "Old", true, Ct);

        var renamed = await Sets.RenameAsync(Ws, created.Set.Id, "New", Ct);

        Assert.Equal((created.Set.Id, "New", 8), (renamed.Set.Id, renamed.Set.Name, renamed.AccountCount));
    }

    [Fact]
    public async Task Delete_Default_FailsWithDefaultPlatformSetProtected()
    {
        var defaultSet = await _services.Store.ReadAsync(s => s.PlatformSets.GetDefaultAsync(Ws, Ct), Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Sets.DeleteAsync(Ws, defaultSet!.Id, Ct));

        Assert.Equal(ErrorCodes.DefaultPlatformSetProtected, ex.Problem.Code);
    }

    [Fact]
    public async Task Delete_SetUsedByAPost_FailsWithPlatformSetInUse()
    {
        var created = await Sets.CreateAsync(Ws, "Used", true, Ct);
        await _services.Get<PostService>().CreateAsync(Ws, Drafts.Create() with { PlatformSetId = created.Set.Id }, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Sets.DeleteAsync(Ws, created.Set.Id, Ct));

        Assert.Equal(ErrorCodes.PlatformSetInUse, ex.Problem.Code);
    }

    [Fact]
    public async Task Delete_UnusedSet_RemovesItAndItsAccounts()
    {
        var created = await Sets.CreateAsync(Ws, "Unused", true, Ct);

        await Sets.DeleteAsync(Ws, created.Set.Id, Ct);

        Assert.Null(await _services.Store.ReadAsync(s => s.PlatformSets.GetAsync(Ws, created.Set.Id, Ct), Ct));
        Assert.Empty(await _services.Store.ReadAsync(s => s.Accounts.ListInSetAsync(Ws, created.Set.Id, Ct), Ct));
    }

    [Fact]
    public async Task AnotherWorkspacesSet_IsNotFound()
    {
        var other = await _services.Get<WorkspaceService>().CreateAsync("other", Ct);
        var theirs = await Sets.CreateAsync(other.Id, "Theirs", false, Ct);

        var ex = await Assert.ThrowsAsync<NotFoundException>(() => Sets.RenameAsync(Ws, theirs.Set.Id, "Mine", Ct));

        Assert.Equal(ErrorCodes.PlatformSetNotFound, ex.Problem.Code);
    }
}
