using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Accounts;

public sealed record ConnectAccountCommand(
    string WorkspaceId,
    Platform Platform,
    string AccessToken,
    string? PlatformSetName,
    Uri? ApiBaseUrl,
    DateTimeOffset? TokenExpiresAt);

/// <summary>
/// Connects real accounts (operator commands): the token is verified with the platform, encrypted by the token
/// vault, and stored in a platform set (the default one unless named); the set's account of the same platform identity
/// gets the new token in place. Removing an account that posts used is refused, so no post loses its history.
/// </summary>
public sealed class AccountConnections(IStore store, IAccountVerifier verifier, ITokenVault vault, TimeProvider time)
{
    public async Task<Account> ConnectAsync(ConnectAccountCommand command, CancellationToken cancellationToken)
    {
        var verified = await verifier.VerifyAsync(command.Platform, command.AccessToken, command.ApiBaseUrl, cancellationToken);
        var reference = vault.Protect(command.AccessToken);
        return await store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var set = command.PlatformSetName is null
                ? await session.PlatformSets.GetDefaultAsync(command.WorkspaceId, cancellationToken)
                : await session.PlatformSets.FindByNameAsync(command.WorkspaceId, command.PlatformSetName, cancellationToken);
            if (set is null && command.PlatformSetName is not null)
            {
                // Naming a new set creates it: connecting real accounts next to the sandbox ones is the usual first step.
                set = new PlatformSet(Guid.CreateVersion7(now).ToString(), command.WorkspaceId, command.PlatformSetName, false, now);
                await session.PlatformSets.InsertAsync(set, cancellationToken);
            }
            if (set is null)
                throw new NotFoundException(new Problem(ErrorCodes.PlatformSetNotFound, "This workspace has no default platform set.", "$.set"));

            var metadata = command.ApiBaseUrl is null
                ? JsonSerializer.SerializeToElement(new { })
                : JsonSerializer.SerializeToElement(new { apiBaseUrl = command.ApiBaseUrl.AbsoluteUri });
            var existing = (await session.Accounts.ListInSetAsync(command.WorkspaceId, set.Id, cancellationToken))
                .FirstOrDefault(a => a.Platform == command.Platform);
            // The set's own account of this platform identity again: new token in place, so it keeps its id and its posts'
            // history. (The same identity in another set stays a separate account there, as before.)
            if (existing is { IsSandbox: false } same && same.PlatformAccountId == verified.PlatformAccountId)
            {
                var renewed = same with
                {
                    Handle = verified.Handle,
                    TokenReference = reference,
                    TokenExpiresAt = command.TokenExpiresAt,
                    Metadata = metadata,
                    // A pasted token is never refreshed: whatever OAuth kept for this account no longer goes with it.
                    RefreshModel = null,
                    RefreshTokenReference = null,
                    RefreshExpiresAt = null,
                    TokenScopes = [],
                    LastRefreshedAt = now,
                    UpdatedAt = now,
                };
                await session.Accounts.RenewInPlaceAsync(renewed, cancellationToken);
                return renewed with { TokenVersion = same.TokenVersion + 1, ReconnectRequired = false, RefreshFailures = 0, LastRefreshError = null };
            }

            if (existing is not null)
            {
                throw new ConflictException(new Problem(ErrorCodes.ValidationFailed,
                    $"Platform set '{set.Name}' already has a {command.Platform.ToWireName()} account ({existing.Handle}).", "$.platform",
                    Hint: "Remove it first (accounts remove), or connect into another set (--set)."));
            }

            var account = new Account
            {
                Id = Guid.CreateVersion7(now).ToString(),
                WorkspaceId = command.WorkspaceId,
                PlatformSetId = set.Id,
                Platform = command.Platform,
                Handle = verified.Handle,
                PlatformAccountId = verified.PlatformAccountId,
                TokenReference = reference,
                TokenExpiresAt = command.TokenExpiresAt,
                IsSandbox = false,
                Metadata = metadata,
                CreatedAt = now,
                UpdatedAt = now,
            };
            await session.Accounts.InsertAsync(account, cancellationToken);
            return account;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<Account>> ListAsync(string workspaceId, CancellationToken cancellationToken) =>
        store.ReadAsync(session => session.Accounts.ListAsync(workspaceId, null, null, cancellationToken), cancellationToken);

    public Task<Account> RemoveAsync(string workspaceId, string accountId, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var account = await session.Accounts.GetAsync(workspaceId, accountId, cancellationToken)
                ?? throw new NotFoundException(new Problem(ErrorCodes.ValidationFailed, $"No account '{accountId}' in this workspace.", "$.accountId"));
            if (await session.Accounts.CountTargetsUsingAsync(accountId, cancellationToken) > 0)
            {
                throw new ConflictException(new Problem(ErrorCodes.ValidationFailed,
                    $"Posts were published with account '{account.Handle}'; removing it would lose their history.", "$.accountId",
                    Hint: "Connect the new account into another platform set instead."));
            }
            await session.Accounts.DeleteAsync(workspaceId, accountId, cancellationToken);
            return account;
        }, cancellationToken);
}
