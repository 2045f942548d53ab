using SocialMcp.Core.Access;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Access;

public sealed class WorkspaceServiceTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private WorkspaceService Workspaces => _services.Get<WorkspaceService>();

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Create_NewWorkspace_GetsItsOwnDefaultSetWithSandboxAccounts()
    {
        var workspace = await Workspaces.CreateAsync("acme", Ct);

        var sets = await _services.Store.ReadAsync(s => s.PlatformSets.ListWithAccountCountsAsync(workspace.Id, Ct), Ct);
        var set = Assert.Single(sets);
        Assert.True(set.Set.IsDefault);
        Assert.Equal(8, set.AccountCount);
        Assert.Equal(new[] { "local", workspace.Id }.Order(), (await Workspaces.ListAsync(Ct)).Select(w => w.Id).Order());
    }

    [Fact]
    public async Task Create_DuplicateName_FailsAndAddsNothing()
    {
        await Workspaces.CreateAsync("acme", Ct);

        await Assert.ThrowsAsync<DomainValidationException>(() => Workspaces.CreateAsync("acme", Ct));

        Assert.Equal(2, (await Workspaces.ListAsync(Ct)).Count);
    }

    [Fact]
    public async Task CreateKey_ReturnsPlaintextOnce_AndStoresOnlyItsHash()
    {
        var (key, plaintext) = await Workspaces.CreateKeyAsync(LocalWorkspace.Id, "agent", [Scopes.PostsRead], Ct);

        Assert.StartsWith("smcp_live_", plaintext);
        var stored = Assert.Single(await Workspaces.ListKeysAsync(null, Ct));
        Assert.DoesNotContain(stored.SecretHash, plaintext);
        Assert.Equal([Scopes.PostsRead], stored.Scopes);
        Assert.Equal(key.Id, (await Workspaces.AuthenticateAsync(plaintext, Ct))?.Id);
    }

    [Fact]
    public async Task CreateKey_WithoutScopes_GetsAllScopes()
    {
        var (key, _) = await Workspaces.CreateKeyAsync(LocalWorkspace.Id, "agent", null, Ct);

        Assert.Equal(Scopes.All, key.Scopes);
    }

    [Fact]
    public async Task CreateKey_UnknownScope_Fails() =>
        await Assert.ThrowsAsync<DomainValidationException>(() => Workspaces.CreateKeyAsync(LocalWorkspace.Id, "agent", ["posts:delete"], Ct));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-key")]
    [InlineData("smcp_live_")]
    [InlineData("smcp_live_abc")]
    [InlineData("smcp_live_000000000000_wrongsecret")]
    public async Task Authenticate_BadKey_IsNull(string? presented) => Assert.Null(await Workspaces.AuthenticateAsync(presented, Ct));

    [Fact]
    public async Task Authenticate_RightIdWrongSecret_IsNull()
    {
        var (key, plaintext) = await Workspaces.CreateKeyAsync(LocalWorkspace.Id, "agent", null, Ct);

        Assert.Null(await Workspaces.AuthenticateAsync(plaintext[..^1] + (plaintext[^1] == 'A' ? 'B' : 'A'), Ct));
        Assert.NotNull(await Workspaces.AuthenticateAsync(plaintext, Ct));
        Assert.Equal(key.Id, (await Workspaces.AuthenticateAsync(plaintext, Ct))!.Id);
    }

    [Fact]
    public async Task Authenticate_RevokedKey_IsNull()
    {
        var (key, plaintext) = await Workspaces.CreateKeyAsync(LocalWorkspace.Id, "agent", null, Ct);

        Assert.True(await Workspaces.RevokeKeyAsync(key.Id, Ct));

        Assert.Null(await Workspaces.AuthenticateAsync(plaintext, Ct));
        Assert.False(await Workspaces.RevokeKeyAsync(key.Id, Ct));
    }
}
