using System.Text.Json;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Http.Tests.OAuth;

/// <summary>
/// A stand-in for the connect flow, so the three ways in can be tested alone. Its state is single-use and expires after
/// 10 minutes on the given clock. The code decides the outcome: "several…" asks for a choice between two identities
/// (one with markup in its handle, to test encoding), "renew…" renews, anything else connects @brand. States and codes
/// are what must never appear on a page or in a result; <see cref="Secrets"/> lists every one handed out or received.
/// </summary>
public sealed class FakeConnectFlow(TimeProvider time) : IAccountConnectFlow
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _byState = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<ConnectRequest> _firstStart = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<ConnectRequest> Started { get; } = [];
    public List<string> Secrets { get; } = [];

    /// <summary>Platforms without app credentials: StartAsync answers PLATFORM_NOT_CONFIGURED for them.</summary>
    public HashSet<Platform> NotConfigured { get; } = [];

    /// <summary>The first StartAsync's request (the redirect address a CLI listener handed over).</summary>
    public Task<ConnectRequest> FirstStart => _firstStart.Task;

    public string StateOf(string connectionId)
    {
        lock (_gate)
            return _byId[connectionId].State;
    }

    public Task<ConnectStarted> StartAsync(ConnectRequest request, CancellationToken cancellationToken)
    {
        if (NotConfigured.Contains(request.Platform))
        {
            throw new DomainValidationException([new Problem(ErrorCodes.PlatformNotConfigured,
                $"No app credentials for {request.Platform.ToWireName()}: set Platforms:{request.Platform.ToWireName()}:ClientId and Platforms:{request.Platform.ToWireName()}:ClientSecret.",
                "$.platform", request.Platform)]);
        }
        lock (_gate)
        {
            var id = "conn-" + (Started.Count + 1);
            var state = "state-secret-" + Guid.NewGuid().ToString("N");
            var entry = new Entry(id, state, request, time.GetUtcNow() + Lifetime);
            _byState[state] = entry;
            _byId[id] = entry;
            Started.Add(request);
            Secrets.Add(state);
            _firstStart.TrySetResult(request);
            var url = new Uri($"https://auth.example.test/{request.Platform.ToWireName()}/authorize?state={state}&redirect_uri={Uri.EscapeDataString(request.RedirectUri.AbsoluteUri)}");
            return Task.FromResult(new ConnectStarted(id, url, entry.ExpiresAt));
        }
    }

    public Task<ConnectResult> CompleteAsync(Platform platform, string? state, string? code, string? error, string? errorDescription, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (code is not null)
                Secrets.Add(code);
            if (state is null || !_byState.TryGetValue(state, out var entry) || entry.Used)
            {
                return Task.FromResult(new ConnectResult
                {
                    ConnectionId = "unknown",
                    Status = ConnectStatus.Expired,
                    Platform = platform,
                    Problem = new Problem(ErrorCodes.ConnectExpired, "This sign-in expired or was already used.", Hint: "Start the connect again."),
                });
            }
            entry.Used = true;
            if (time.GetUtcNow() >= entry.ExpiresAt)
                return Task.FromResult(entry.Finish(ConnectStatus.Expired, problem: new Problem(ErrorCodes.ConnectExpired, "This sign-in took longer than 10 minutes.", Hint: "Start the connect again.")));
            if (error is not null)
            {
                return Task.FromResult(entry.Finish(ConnectStatus.Failed, problem: new Problem(ErrorCodes.ConnectFailed,
                    $"The person declined access ({error}: {errorDescription}).", Hint: "Start the connect again and approve access.")));
            }
            if (code?.StartsWith("several", StringComparison.Ordinal) == true)
            {
                return Task.FromResult(entry.Finish(ConnectStatus.ChoiceRequired, choices:
                [
                    new IdentityChoice("page-1", "<b>Bakery</b>", "Bakery & Co"),
                    new IdentityChoice("page-2", "cafe", null),
                ]));
            }
            return Task.FromResult(entry.Finish(ConnectStatus.Connected, account: AccountFor(entry, "pa-brand", "brand", time.GetUtcNow()),
                renewed: code?.StartsWith("renew", StringComparison.Ordinal) == true));
        }
    }

    public Task<ConnectResult> ChooseAsync(string workspaceId, string connectionId, string platformAccountId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(connectionId, out var entry) || entry.Request.WorkspaceId != workspaceId || entry.Result?.Status != ConnectStatus.ChoiceRequired)
            {
                return Task.FromResult(new ConnectResult
                {
                    ConnectionId = connectionId,
                    Status = ConnectStatus.Expired,
                    Platform = Platform.Facebook,
                    Problem = new Problem(ErrorCodes.ConnectExpired, "No choice is waiting for this connect.", Hint: "Start the connect again."),
                });
            }
            var choice = entry.Result!.Choices.Single(c => c.PlatformAccountId == platformAccountId);
            return Task.FromResult(entry.Finish(ConnectStatus.Connected, account: AccountFor(entry, choice.PlatformAccountId, choice.Handle, time.GetUtcNow())));
        }
    }

    public Task<ConnectResult?> GetAsync(string workspaceId, string connectionId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(connectionId, out var entry) || entry.Request.WorkspaceId != workspaceId)
                return Task.FromResult<ConnectResult?>(null);
            return Task.FromResult<ConnectResult?>(entry.Result ?? entry.Finish(ConnectStatus.Pending, keep: false));
        }
    }

    private static Account AccountFor(Entry entry, string platformAccountId, string handle, DateTimeOffset now) => new()
    {
        Id = "acct-" + entry.Id,
        WorkspaceId = entry.Request.WorkspaceId,
        PlatformSetId = entry.Request.PlatformSetId ?? "set-of-" + entry.Id,
        Platform = entry.Request.Platform,
        Handle = handle,
        PlatformAccountId = platformAccountId,
        IsSandbox = false,
        Metadata = JsonSerializer.SerializeToElement(new { }),
        CreatedAt = now,
        UpdatedAt = now,
    };

    private sealed class Entry(string id, string state, ConnectRequest request, DateTimeOffset expiresAt)
    {
        public string Id { get; } = id;
        public string State { get; } = state;
        public ConnectRequest Request { get; } = request;
        public DateTimeOffset ExpiresAt { get; } = expiresAt;
        public bool Used { get; set; }
        public ConnectResult? Result { get; private set; }

        public ConnectResult Finish(ConnectStatus status, Account? account = null, bool renewed = false, IReadOnlyList<IdentityChoice>? choices = null,
            Problem? problem = null, bool keep = true)
        {
            var result = new ConnectResult
            {
                ConnectionId = Id,
                Status = status,
                Platform = Request.Platform,
                WorkspaceId = Request.WorkspaceId,
                PlatformSetId = Request.PlatformSetId ?? account?.PlatformSetId,
                PlatformSetName = Request.PlatformSetName,
                Account = account,
                Renewed = renewed,
                Choices = choices ?? [],
                Problem = problem,
            };
            if (keep)
                Result = result;
            return result;
        }
    }
}

/// <summary>App credentials as the platform part reports them: every platform configured unless listed.</summary>
public sealed class FakePlatformOAuth : IPlatformOAuth
{
    public HashSet<Platform> NotConfigured { get; } = [];

    public bool IsConfigured(Platform platform) => !NotConfigured.Contains(platform);

    public IReadOnlyList<string> RequiredSettings(Platform platform) =>
        [$"Platforms:{platform.ToWireName()}:ClientId", $"Platforms:{platform.ToWireName()}:ClientSecret"];

    public RefreshModel RefreshModelOf(Platform platform) => RefreshModel.RefreshToken;

    public bool UsesPkce(Platform platform) => true;

    public Uri BuildAuthorizationUrl(Platform platform, string state, string codeVerifier, Uri redirectUri) => throw new NotSupportedException();

    public Task<ConnectedGrant> ExchangeCodeAsync(Platform platform, string code, string codeVerifier, Uri redirectUri, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<TokenGrant> RefreshAsync(Account account, AccountTokens tokens, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> RevokeAsync(Account account, string token, CancellationToken cancellationToken) => throw new NotSupportedException();
}
