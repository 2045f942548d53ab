using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Accounts;

/// <summary>Who a token belongs to, as the platform itself says.</summary>
public sealed record VerifiedAccount(string PlatformAccountId, string Handle);

/// <summary>
/// Checks a token against the platform (or the emulator) before it is stored: a token the platform refuses is never
/// connected. Implemented by the platform adapters.
/// </summary>
public interface IAccountVerifier
{
    /// <summary>The account the token belongs to; throws <see cref="Errors.SocialMcpException"/> when the platform refuses it.</summary>
    Task<VerifiedAccount> VerifyAsync(Platform platform, string accessToken, Uri? apiBaseUrl, CancellationToken cancellationToken);
}
