using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters;
using SocialMcp.Platforms.Sandbox;

namespace SocialMcp.Platforms;

/// <summary>Sandbox accounts publish through the sandbox; real accounts through their platform's adapter.</summary>
public sealed class PublisherResolver(SandboxPublisher sandbox, IEnumerable<PlatformAdapter> adapters) : IPublisherResolver
{
    private readonly Dictionary<Platform, PlatformAdapter> _adapters = adapters.ToDictionary(a => a.Platform);

    public IPlatformPublisher For(Account account)
    {
        if (account.IsSandbox)
            return sandbox;
        return _adapters.TryGetValue(account.Platform, out var adapter)
            ? adapter
            : throw new DomainValidationException([new Problem(ErrorCodes.PlatformNotConnected,
                $"No publisher is available for real {account.Platform.ToWireName()} accounts.", "$.platforms",
                account.Platform, "Use the sandbox accounts of the default platform set.")]);
    }
}
