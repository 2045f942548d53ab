using Microsoft.Extensions.Options;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Accounts;

public sealed record AccountView(Account Account, string TokenHealth);

/// <summary>Read-only questions about connected accounts and platform sets.</summary>
public sealed class AccountService(IStore store, IOptions<OAuthOptions> oauth, TimeProvider time)
{
    public Task<IReadOnlyList<AccountView>> ListAccountsAsync(string workspaceId, Platform? platform, string? platformSetId, CancellationToken cancellationToken) =>
        store.ReadAsync<IReadOnlyList<AccountView>>(async session =>
        {
            if (platformSetId is not null && await session.PlatformSets.GetAsync(workspaceId, platformSetId, cancellationToken) is null)
            {
                throw new NotFoundException(new Problem(ErrorCodes.PlatformSetNotFound,
                    $"No platform set with id '{platformSetId}' exists in this workspace.", "$.platformSetId",
                    Hint: "Call list_platform_sets to see the sets."));
            }
            var now = time.GetUtcNow();
            var accounts = await session.Accounts.ListAsync(workspaceId, platform, platformSetId, cancellationToken);
            var settings = oauth.Value;
            return accounts.Select(a => new AccountView(a, TokenHealth.Of(a, now, settings.ReconnectWarning, settings.RepeatedFailureThreshold))).ToList();
        }, cancellationToken);

    public Task<IReadOnlyList<PlatformSetSummary>> ListPlatformSetsAsync(string workspaceId, CancellationToken cancellationToken) =>
        store.ReadAsync(session => session.PlatformSets.ListWithAccountCountsAsync(workspaceId, cancellationToken), cancellationToken);
}
