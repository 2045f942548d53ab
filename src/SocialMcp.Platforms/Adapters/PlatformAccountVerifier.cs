using SocialMcp.Core.Accounts;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.Adapters;

/// <summary>Verifies a token with the adapter of its platform.</summary>
public sealed class PlatformAccountVerifier(IEnumerable<PlatformAdapter> adapters) : IAccountVerifier
{
    private readonly Dictionary<Platform, PlatformAdapter> _adapters = adapters.ToDictionary(a => a.Platform);

    public Task<VerifiedAccount> VerifyAsync(Platform platform, string accessToken, Uri? apiBaseUrl, CancellationToken cancellationToken) =>
        _adapters[platform].VerifyAsync(accessToken, apiBaseUrl, cancellationToken);
}
