using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Accounts.OAuth;

/// <summary>A platform without app credentials: the problem names the settings to fill.</summary>
public sealed class PlatformNotConfiguredException(Problem problem) : SocialMcpException(problem);

/// <summary>
/// The one connect flow behind the CLI, connect links and the connect_account tool. Start stores the SHA-256 of a random
/// state (never the state) with the PKCE verifier encrypted; the platform's redirect consumes the state once, with a
/// conditional UPDATE, within <c>OAuth:StateLifetime</c>; the code is exchanged, and the identity stored — or renewed in
/// place when the same platform identity is already connected, so its history stays. Results never carry a token, code
/// or secret.
/// </summary>
public sealed class AccountConnectFlow(
    IStore store,
    IPlatformOAuth oauth,
    ITokenCipher cipher,
    IOptions<OAuthOptions> options,
    TimeProvider time,
    ILogger<AccountConnectFlow> logger) : IAccountConnectFlow
{
    private const string StartAgainHint = "Start the connect again (accounts connect, a new connect link, or connect_account).";

    public async Task<ConnectStarted> StartAsync(ConnectRequest request, CancellationToken cancellationToken)
    {
        var platform = request.Platform;
        if (!oauth.IsConfigured(platform))
        {
            var settings = oauth.RequiredSettings(platform);
            throw new PlatformNotConfiguredException(new Problem(ErrorCodes.PlatformNotConfigured,
                $"{platform.ToWireName()} has no app credentials on this server: set {string.Join(" and ", settings)}.",
                "$.platform", platform,
                $"Set {string.Join(", ", settings)} (environment variables or user secrets, never a committed file) and restart the server."));
        }
        if (request.PlatformSetId is { } setId
            && await store.ReadAsync(s => s.PlatformSets.GetAsync(request.WorkspaceId, setId, cancellationToken), cancellationToken) is null)
        {
            throw new NotFoundException(new Problem(ErrorCodes.PlatformSetNotFound,
                $"No platform set with id '{setId}' exists in this workspace.", "$.platformSetId", Hint: "Call list_platform_sets to see the sets."));
        }

        var now = time.GetUtcNow();
        var state = RandomToken();
        var verifier = RandomToken(); // 43 characters of base64url: a valid PKCE verifier (RFC 7636 §4.1)
        var connect = new ConnectRecord
        {
            Id = Guid.CreateVersion7(now).ToString(),
            StateHash = HashOf(state),
            WorkspaceId = request.WorkspaceId,
            Platform = platform,
            PlatformSetId = request.PlatformSetId,
            PlatformSetName = request.PlatformSetId is null ? request.PlatformSetName : null,
            Channel = request.Channel,
            RedirectUri = request.RedirectUri,
            VerifierReference = cipher.Protect(verifier),
            Status = ConnectStates.Pending,
            ExpiresAt = now + options.Value.StateLifetime,
            CreatedAt = now,
        };
        await store.WriteAsync(async s =>
        {
            await s.Connects.InsertAsync(connect, cancellationToken);
            return 0;
        }, cancellationToken);
        var url = oauth.BuildAuthorizationUrl(platform, state, verifier, request.RedirectUri);
        logger.LogInformation("Started connect {ConnectId} for {Platform} ({Channel})", connect.Id, platform.ToWireName(), request.Channel);
        return new ConnectStarted(connect.Id, url, connect.ExpiresAt);
    }

    public async Task<ConnectResult> CompleteAsync(
        Platform platform, string? state, string? code, string? error, string? errorDescription, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(state))
            return Refused("", platform, ErrorCodes.ConnectFailed, "The platform's redirect carried no state, so it matches no connect.", StartAgainHint);

        var now = time.GetUtcNow();
        var stateHash = HashOf(state);
        var connect = await store.WriteAsync(s => s.Connects.ConsumeAsync(stateHash, platform, now, cancellationToken), cancellationToken);
        if (connect is null)
            return await WhyNotConsumedAsync(platform, stateHash, now, cancellationToken);

        if (!string.IsNullOrEmpty(error))
        {
            // The platform's own error code only: its description is text we did not write and do not need to repeat.
            logger.LogInformation("Connect {ConnectId}: {Platform} redirected with error {Error}", connect.Id, platform.ToWireName(), error);
            return error == "access_denied"
                ? await FailAsync(connect, ErrorCodes.ConnectFailed, $"The connect was declined on {platform.ToWireName()}; nothing was connected.",
                    "Start the connect again and allow access when the platform asks.", cancellationToken)
                : await FailAsync(connect, ErrorCodes.ConnectFailed, $"{platform.ToWireName()} returned the error '{Clip(error)}' instead of a code.",
                    StartAgainHint, cancellationToken);
        }
        if (string.IsNullOrEmpty(code))
            return await FailAsync(connect, ErrorCodes.ConnectFailed, "The platform's redirect carried no authorization code.", StartAgainHint, cancellationToken);

        var verifier = cipher.Reveal(connect.VerifierReference);
        if (verifier is null)
            return await FailAsync(connect, ErrorCodes.ConnectFailed, "This connect's verifier can no longer be read (the server's keys changed).", StartAgainHint, cancellationToken);

        ConnectedGrant connected;
        try
        {
            connected = await oauth.ExchangeCodeAsync(platform, code, verifier, connect.RedirectUri, cancellationToken);
        }
        catch (OAuthException ex)
        {
            logger.LogWarning("Connect {ConnectId}: exchanging the code with {Platform} failed ({Kind}, {PlatformError})",
                connect.Id, platform.ToWireName(), ex.Kind, ex.PlatformError);
            var name = platform.ToWireName();
            var (message, hint) = ex.Kind switch
            {
                OAuthFailureKind.Misconfigured => ($"{name} refused this server's app credentials or redirect address ({ex.PlatformError ?? "misconfigured"}).",
                    $"Check Platforms:{name}:ClientId and ClientSecret, and that {connect.RedirectUri.GetLeftPart(UriPartial.Path)} is a registered redirect URI of the app."),
                OAuthFailureKind.Transient => ($"{name} did not answer the code exchange ({ex.PlatformError ?? "unavailable"}).", "Try again in a minute: " + StartAgainHint),
                _ => ($"{name} refused the authorization code ({ex.PlatformError ?? "refused"}).", StartAgainHint),
            };
            return await FailAsync(connect, ErrorCodes.ConnectFailed, message, hint, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Its text may hold a URL with the code in it: only the type is logged.
            logger.LogError("Connect {ConnectId}: exchanging the code with {Platform} threw {ExceptionType}", connect.Id, platform.ToWireName(), ex.GetType().Name);
            return await FailAsync(connect, ErrorCodes.ConnectFailed, $"Exchanging the code with {platform.ToWireName()} failed unexpectedly.",
                StartAgainHint, cancellationToken);
        }

        return connected.Identities.Count switch
        {
            0 => await FailAsync(connect, ErrorCodes.ConnectFailed,
                $"This {platform.ToWireName()} login has nothing this server can publish as (for Facebook a Page, for Instagram a business account, for Amazon a brand profile).",
                "Connect with a login that manages one, or set one up on the platform first.", cancellationToken),
            1 => await StoreIdentityAsync(connect, connected.Grant, connected.Identities[0], cancellationToken),
            _ => await AskForChoiceAsync(connect, connected, cancellationToken),
        };
    }

    public async Task<ConnectResult> ChooseAsync(string workspaceId, string connectionId, string platformAccountId, CancellationToken cancellationToken)
    {
        var connect = await store.ReadAsync(s => s.Connects.GetAsync(workspaceId, connectionId, cancellationToken), cancellationToken)
            ?? throw new NotFoundException(new Problem(ErrorCodes.ConnectFailed, $"No connect '{connectionId}' in this workspace.", "$.connectionId",
                Hint: StartAgainHint));
        if (connect.Status != ConnectStates.ChoiceRequired)
            return await ToResultAsync(connect, cancellationToken);

        var now = time.GetUtcNow();
        if (connect.CompletedAt is { } asked && asked + options.Value.StateLifetime <= now)
        {
            var expired = connect with
            {
                Status = ConnectStates.Expired,
                PendingGrantReference = null,
                ProblemCode = ErrorCodes.ConnectExpired,
                ProblemMessage = "The choice was not made in time; the grant waiting for it was dropped.",
                ProblemHint = StartAgainHint,
            };
            await store.WriteAsync(s => s.Connects.UpdateOutcomeAsync(expired, cancellationToken), cancellationToken);
            return await ToResultAsync(expired, cancellationToken);
        }
        if (connect.Choices.All(c => c.PlatformAccountId != platformAccountId))
        {
            return await ToResultAsync(connect, cancellationToken) with
            {
                Problem = new Problem(ErrorCodes.ConnectFailed, $"'{Clip(platformAccountId)}' is not one of this connect's choices.", "$.platformAccountId",
                    connect.Platform, "Pick the platformAccountId of one of the listed choices."),
            };
        }
        if (!await store.WriteAsync(s => s.Connects.TakeChoiceAsync(workspaceId, connectionId, cancellationToken), cancellationToken))
        {
            var current = await store.ReadAsync(s => s.Connects.GetAsync(workspaceId, connectionId, cancellationToken), cancellationToken);
            return await ToResultAsync(current ?? connect, cancellationToken);
        }

        var json = cipher.Reveal(connect.PendingGrantReference);
        var pending = json is null ? null : JsonSerializer.Deserialize<ConnectedGrant>(json);
        var identity = pending?.Identities.FirstOrDefault(i => i.PlatformAccountId == platformAccountId);
        if (pending is null || identity is null)
            return await FailAsync(connect, ErrorCodes.ConnectFailed, "The grant waiting for this choice can no longer be read.", StartAgainHint, cancellationToken);
        return await StoreIdentityAsync(connect, pending.Grant, identity, cancellationToken);
    }

    public async Task<ConnectResult?> GetAsync(string workspaceId, string connectionId, CancellationToken cancellationToken)
    {
        var connect = await store.ReadAsync(s => s.Connects.GetAsync(workspaceId, connectionId, cancellationToken), cancellationToken);
        return connect is null ? null : await ToResultAsync(connect, cancellationToken);
    }

    private async Task<ConnectResult> WhyNotConsumedAsync(Platform platform, string stateHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var known = await store.ReadAsync(s => s.Connects.FindByStateHashAsync(stateHash, cancellationToken), cancellationToken);
        if (known is null)
            return Refused("", platform, ErrorCodes.ConnectFailed, "This redirect's state matches no connect on this server.", StartAgainHint);
        if (known.Platform != platform)
        {
            return Refused(known.Id, platform, ErrorCodes.ConnectFailed,
                $"This state belongs to a {known.Platform.ToWireName()} connect, not {platform.ToWireName()}.", StartAgainHint);
        }
        if (known.Status == ConnectStates.Pending && known.ExpiresAt <= now)
        {
            var expired = known with
            {
                Status = ConnectStates.Expired,
                CompletedAt = now,
                ProblemCode = ErrorCodes.ConnectExpired,
                ProblemMessage = $"The connect expired: its state lives {options.Value.StateLifetime.TotalMinutes:0} minutes.",
                ProblemHint = StartAgainHint,
            };
            await store.WriteAsync(s => s.Connects.UpdateOutcomeAsync(expired, cancellationToken), cancellationToken);
            return Refused(known.Id, platform, ErrorCodes.ConnectExpired, expired.ProblemMessage, StartAgainHint, ConnectStatus.Expired);
        }
        return Refused(known.Id, platform, ErrorCodes.ConnectExpired,
            known.Status == ConnectStates.Expired ? "The connect expired." : "This connect's state was already used; a state works once.",
            StartAgainHint, ConnectStatus.Expired);
    }

    private async Task<ConnectResult> AskForChoiceAsync(ConnectRecord connect, ConnectedGrant connected, CancellationToken cancellationToken)
    {
        var waiting = connect with
        {
            Status = ConnectStates.ChoiceRequired,
            CompletedAt = time.GetUtcNow(),
            Choices = connected.Identities.Select(i => new IdentityChoice(i.PlatformAccountId, i.Handle, i.DisplayName)).ToList(),
            PendingGrantReference = cipher.Protect(JsonSerializer.Serialize(connected)),
        };
        await store.WriteAsync(s => s.Connects.UpdateOutcomeAsync(waiting, cancellationToken), cancellationToken);
        return await ToResultAsync(waiting, cancellationToken);
    }

    /// <summary>
    /// Stores the identity in one transaction: the same platform identity already connected gets its new tokens in place
    /// (same id, so its posts keep their history); otherwise it is added to the set, unless the set already has another
    /// account for the platform.
    /// </summary>
    private async Task<ConnectResult> StoreIdentityAsync(ConnectRecord connect, TokenGrant personGrant, PublishingIdentity identity, CancellationToken cancellationToken)
    {
        var grant = identity.Grant ?? personGrant;
        var platform = connect.Platform;
        var finished = await store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var existing = await session.Accounts.FindByIdentityAsync(connect.WorkspaceId, platform, identity.PlatformAccountId, cancellationToken);
            if (existing is not null)
            {
                var renewed = WithTokens(existing, grant, identity, now) with { Handle = identity.Handle, UpdatedAt = now };
                await session.Accounts.RenewInPlaceAsync(renewed, cancellationToken);
                var set = await session.PlatformSets.GetAsync(connect.WorkspaceId, existing.PlatformSetId, cancellationToken);
                var done = connect with
                {
                    Status = ConnectStates.Connected,
                    CompletedAt = now,
                    AccountId = existing.Id,
                    Renewed = true,
                    PlatformSetId = existing.PlatformSetId,
                    PendingGrantReference = null,
                };
                await session.Connects.UpdateOutcomeAsync(done, cancellationToken);
                return (done, set);
            }

            var target = connect.PlatformSetId is { } setId
                ? await session.PlatformSets.GetAsync(connect.WorkspaceId, setId, cancellationToken)
                : connect.PlatformSetName is { } setName
                    ? await session.PlatformSets.FindByNameAsync(connect.WorkspaceId, setName, cancellationToken)
                    : await session.PlatformSets.GetDefaultAsync(connect.WorkspaceId, cancellationToken);
            if (target is null && connect.PlatformSetName is { } newName)
            {
                // Naming a new set creates it, as accounts connect --set always did.
                target = new PlatformSet(Guid.CreateVersion7(now).ToString(), connect.WorkspaceId, newName, false, now);
                await session.PlatformSets.InsertAsync(target, cancellationToken);
            }
            if (target is null)
            {
                var missing = Failed(connect, now, ErrorCodes.PlatformSetNotFound, "The platform set this connect was for no longer exists.", StartAgainHint);
                await session.Connects.UpdateOutcomeAsync(missing, cancellationToken);
                return (missing, (PlatformSet?)null);
            }
            var other = (await session.Accounts.ListInSetAsync(connect.WorkspaceId, target.Id, cancellationToken)).FirstOrDefault(a => a.Platform == platform);
            if (other is not null)
            {
                var inTarget = connect with
                {
                    PlatformSetId = target.Id,
                };
                var taken = Failed(inTarget, now, ErrorCodes.ConnectFailed,
                    $"Platform set '{target.Name}' already has a {platform.ToWireName()} account ({other.Handle}{(other.IsSandbox ? ", sandbox" : "")}); "
                    + $"'{identity.Handle}' is a different one.",
                    "Connect into another platform set (accounts connect --set NAME, or platformSetId), or remove that account first.");
                await session.Connects.UpdateOutcomeAsync(taken, cancellationToken);
                return (taken, target);
            }

            var account = WithTokens(new Account
            {
                Id = Guid.CreateVersion7(now).ToString(),
                WorkspaceId = connect.WorkspaceId,
                PlatformSetId = target.Id,
                Platform = platform,
                Handle = identity.Handle,
                PlatformAccountId = identity.PlatformAccountId,
                IsSandbox = false,
                Metadata = JsonSerializer.SerializeToElement(new { }),
                CreatedAt = now,
                UpdatedAt = now,
            }, grant, identity, now);
            await session.Accounts.InsertAsync(account, cancellationToken);
            var connected = connect with
            {
                Status = ConnectStates.Connected,
                CompletedAt = now,
                AccountId = account.Id,
                Renewed = false,
                PlatformSetId = target.Id,
                PendingGrantReference = null,
            };
            await session.Connects.UpdateOutcomeAsync(connected, cancellationToken);
            return (connected, target);
        }, cancellationToken);

        var (record, _) = finished;
        if (record.Status == ConnectStates.Connected)
        {
            logger.LogInformation("Connect {ConnectId}: {Platform} account {AccountId} {What}",
                record.Id, platform.ToWireName(), record.AccountId, record.Renewed ? "renewed in place" : "connected");
        }
        return await ToResultAsync(record, cancellationToken);
    }

    /// <summary>The account with the grant's tokens (encrypted), expiries, scopes, refresh model and the identity's metadata merged in.</summary>
    private Account WithTokens(Account account, TokenGrant grant, PublishingIdentity identity, DateTimeOffset now)
    {
        var metadata = JsonNode.Parse(account.Metadata.GetRawText()) as JsonObject ?? new JsonObject();
        foreach (var (key, value) in identity.Metadata)
            metadata[key] = value;
        return account with
        {
            TokenReference = cipher.Protect(grant.AccessToken),
            TokenExpiresAt = grant.AccessExpiresAt,
            RefreshTokenReference = grant.RefreshToken is { } refresh ? cipher.Protect(refresh) : null,
            RefreshExpiresAt = grant.RefreshExpiresAt,
            TokenScopes = grant.Scopes,
            RefreshModel = oauth.RefreshModelOf(account.Platform),
            LastRefreshedAt = now,
            RefreshFailures = 0,
            LastRefreshError = null,
            ReconnectRequired = false,
            Metadata = JsonSerializer.SerializeToElement(metadata),
        };
    }

    private async Task<ConnectResult> FailAsync(ConnectRecord connect, string code, string message, string hint, CancellationToken cancellationToken)
    {
        var failed = Failed(connect, time.GetUtcNow(), code, message, hint);
        await store.WriteAsync(s => s.Connects.UpdateOutcomeAsync(failed, cancellationToken), cancellationToken);
        return await ToResultAsync(failed, cancellationToken);
    }

    private static ConnectRecord Failed(ConnectRecord connect, DateTimeOffset now, string code, string message, string hint) => connect with
    {
        Status = ConnectStates.Failed,
        CompletedAt = now,
        ProblemCode = code,
        ProblemMessage = message,
        ProblemHint = hint,
        PendingGrantReference = null,
    };

    private async Task<ConnectResult> ToResultAsync(ConnectRecord connect, CancellationToken cancellationToken)
    {
        var (account, set) = await store.ReadAsync(async s =>
        {
            var found = connect.AccountId is { } id ? await s.Accounts.GetAsync(connect.WorkspaceId, id, cancellationToken) : null;
            var setId = found?.PlatformSetId ?? connect.PlatformSetId;
            var named = setId is null ? null : await s.PlatformSets.GetAsync(connect.WorkspaceId, setId, cancellationToken);
            return (found, named);
        }, cancellationToken);
        var status = connect.Status switch
        {
            ConnectStates.Connected => ConnectStatus.Connected,
            ConnectStates.ChoiceRequired => ConnectStatus.ChoiceRequired,
            ConnectStates.Failed => ConnectStatus.Failed,
            ConnectStates.Expired => ConnectStatus.Expired,
            ConnectStates.Pending when connect.ExpiresAt <= time.GetUtcNow() => ConnectStatus.Expired,
            _ => ConnectStatus.Pending,
        };
        var problem = connect.ProblemCode is { } code
            ? new Problem(code, connect.ProblemMessage ?? code, Platform: connect.Platform, Hint: connect.ProblemHint)
            : status == ConnectStatus.Expired
                ? new Problem(ErrorCodes.ConnectExpired, "The connect expired before the platform sent the person back.", Platform: connect.Platform, Hint: StartAgainHint)
                : null;
        return new ConnectResult
        {
            ConnectionId = connect.Id,
            WorkspaceId = connect.WorkspaceId,
            Status = status,
            Platform = connect.Platform,
            PlatformSetId = set?.Id ?? connect.PlatformSetId,
            PlatformSetName = set?.Name ?? connect.PlatformSetName,
            Account = account,
            Renewed = connect.Renewed,
            Choices = connect.Choices,
            Problem = problem,
        };
    }

    private static ConnectResult Refused(
        string connectionId, Platform platform, string code, string message, string hint, ConnectStatus status = ConnectStatus.Failed) => new()
        {
            ConnectionId = connectionId,
            Status = status,
            Platform = platform,
            Problem = new Problem(code, message, Platform: platform, Hint: hint),
        };

    private static string RandomToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of a state: its SHA-256, so the database alone never lets anyone finish a connect.</summary>
    public static string HashOf(string state) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state)));

    private static string Clip(string value) => value.Length <= 64 ? value : value[..64];
}
