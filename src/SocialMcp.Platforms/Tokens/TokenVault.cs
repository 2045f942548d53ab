using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;

namespace SocialMcp.Platforms.Tokens;

/// <summary>
/// Token references, by scheme: <c>dp:…</c> a secret encrypted with ASP.NET Core Data Protection (keys on disk beside
/// the database), <c>env:NAME</c> a token in an environment variable, <c>sandbox:…</c> the emulator's fake token.
/// </summary>
public sealed class TokenCipher(IDataProtectionProvider protection) : ITokenCipher
{
    private const string Purpose = "SocialMcp.AccountTokens.v1";
    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public string Protect(string secret) => "dp:" + _protector.Protect(secret);

    public string? Reveal(string? reference)
    {
        string? secret = reference switch
        {
            null => null,
            _ when reference.StartsWith("dp:", StringComparison.Ordinal) => Unprotect(reference[3..]),
            _ when reference.StartsWith("env:", StringComparison.Ordinal) => Environment.GetEnvironmentVariable(reference[4..]),
            _ when reference.StartsWith("sandbox:", StringComparison.Ordinal) => reference[8..],
            _ => null,
        };
        return string.IsNullOrEmpty(secret) ? null : secret;
    }

    private string? Unprotect(string protectedSecret)
    {
        try
        {
            return _protector.Unprotect(protectedSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Keys lost or rotated away: the account must be reconnected; never surface the ciphertext.
            return null;
        }
    }
}

/// <summary>
/// The access token for a platform call: renewed first through the refresher when it is due (expired or inside its
/// margin), so a post scheduled for tomorrow still goes out with a token that lives two hours.
/// </summary>
public sealed class TokenVault(ITokenCipher cipher, IServiceProvider services) : ITokenVault
{
    // Resolved on first use: the refresher uses the cipher, and hosts that publish without the domain (the adapters'
    // tests) have no refresher at all, so tokens are then used as stored.
    private IAccountTokenRefresher? Refresher => field ??= services.GetService<IAccountTokenRefresher>();

    public async Task<string?> GetAccessTokenAsync(Account account, CancellationToken cancellationToken)
    {
        var current = Refresher is { } refresher ? await refresher.EnsureFreshAsync(account, cancellationToken) : account;
        return cipher.Reveal(current.TokenReference);
    }

    public string Protect(string accessToken) => cipher.Protect(accessToken);
}
