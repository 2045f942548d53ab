using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Sandbox;

namespace SocialMcp.Platforms;

/// <summary>Sandbox accounts publish through the sandbox; real platform adapters are added here as they land.</summary>
public sealed class PublisherResolver(SandboxPublisher sandbox) : IPublisherResolver
{
    public IPlatformPublisher For(Account account) =>
        account.IsSandbox
            ? sandbox
            : throw new DomainValidationException([new Problem(ErrorCodes.PlatformNotConnected,
                $"No publisher is available yet for real {account.Platform.ToWireName()} accounts.", "$.platforms",
                account.Platform, "Use the sandbox accounts of the default platform set.")]);
}
