using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.PlatformSets;

/// <summary>
/// A post that names no platformSetId goes to the workspace's default set. When that set has only a sandbox account for
/// a platform while the workspace has a real account for it in another set, the post would quietly go to the sandbox
/// instead of where the person meant: refused, one problem per such platform at <c>$.platforms[i]</c>. A post that names
/// its set (even the sandbox one) is never second-guessed.
/// </summary>
public static class SandboxFallbackGuard
{
    public static async Task EnsureNoSilentSandboxAsync(
        IStoreSession session, string workspaceId, PlatformSet defaultSet, IReadOnlyList<Platform> platforms,
        IReadOnlyDictionary<Platform, Account> accounts, CancellationToken cancellationToken)
    {
        if (!platforms.Any(p => accounts.TryGetValue(p, out var account) && account.IsSandbox))
            return; // the common real-account case costs no query

        // Only the real accounts elsewhere: a workspace with none (sandbox only) reads no rows at all.
        var realAccounts = (await session.Accounts.ListRealOutsideSetAsync(workspaceId, defaultSet.Id, cancellationToken))
            .ToLookup(a => a.Platform);
        var problems = new List<Problem>();
        Dictionary<string, string>? setNames = null;
        for (var i = 0; i < platforms.Count; i++)
        {
            var platform = platforms[i];
            if (!accounts.TryGetValue(platform, out var used) || !used.IsSandbox || realAccounts[platform].FirstOrDefault() is not { } real)
                continue;
            setNames ??= (await session.PlatformSets.ListWithAccountCountsAsync(workspaceId, cancellationToken))
                .ToDictionary(s => s.Set.Id, s => s.Set.Name);
            var name = platform.ToWireName();
            var realSet = setNames.GetValueOrDefault(real.PlatformSetId, real.PlatformSetId);
            problems.Add(new Problem(ErrorCodes.SandboxFallbackRefused,
                $"No platformSetId was given, and the default set '{defaultSet.Name}' has only a sandbox account for {name}, " +
                $"while this workspace has a real {name} account ({real.Handle}) in set '{realSet}'. Nothing was saved: the post " +
                "would have gone to the sandbox, not to that account.",
                $"$.platforms[{i}]", platform,
                $"Pass platformSetId \"{real.PlatformSetId}\" (set '{realSet}') to post with {real.Handle}, or make that set the " +
                $"default (set_default_platform_set); to use the sandbox on purpose pass platformSetId \"{defaultSet.Id}\"."));
        }
        if (problems.Count > 0)
            throw new DomainValidationException(problems);
    }
}
