using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;

namespace SocialMcp.Server.Tools;

/// <summary>
/// Puts a fresh reconnect link on each AUTH_EXPIRED target of a post result, so the agent can hand the person the one
/// thing that fixes it. The link is signed and short-lived, so it is made when the result is, never stored.
/// </summary>
public sealed class ReconnectHints(IStore store, IReconnectLinks links)
{
    public async Task<PostResult> AddAsync(string workspaceId, PostResult result, CancellationToken cancellationToken)
    {
        if (!result.Targets.Any(t => t.ErrorCode == ErrorCodes.AuthExpired))
            return result;

        var targets = new List<TargetResult>(result.Targets.Count);
        foreach (var target in result.Targets)
        {
            if (target.ErrorCode != ErrorCodes.AuthExpired)
            {
                targets.Add(target);
                continue;
            }
            var account = await store.ReadAsync(session => session.Accounts.GetAsync(workspaceId, target.AccountId, cancellationToken), cancellationToken);
            targets.Add(account is null ? target : target with { ReconnectUrl = links.ReconnectUrlFor(account)?.AbsoluteUri });
        }
        var withLinks = targets.Where(t => t.ReconnectUrl is not null).Select(t => t.Platform).ToList();
        var summary = withLinks.Count > 0
            ? $"{result.Summary} AUTH_EXPIRED on {string.Join(", ", withLinks)}: give the person targets[].reconnectUrl to reconnect, then retry_post."
            : result.Summary;
        return result with { Targets = targets, Summary = summary };
    }
}
