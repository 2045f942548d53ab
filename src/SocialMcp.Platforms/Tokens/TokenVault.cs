using Microsoft.AspNetCore.DataProtection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;

namespace SocialMcp.Platforms.Tokens;

/// <summary>
/// Token references, by scheme: <c>dp:…</c> a token encrypted with ASP.NET Core Data Protection (keys on disk beside
/// the database), <c>env:NAME</c> a token in an environment variable, <c>sandbox:…</c> the emulator's fake token.
/// </summary>
public sealed class TokenVault(IDataProtectionProvider protection) : ITokenVault
{
    private const string Purpose = "SocialMcp.AccountTokens.v1";
    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public Task<string?> GetAccessTokenAsync(Account account, CancellationToken cancellationToken)
    {
        var reference = account.TokenReference;
        string? token = reference switch
        {
            null => null,
            _ when reference.StartsWith("dp:", StringComparison.Ordinal) => Unprotect(reference[3..]),
            _ when reference.StartsWith("env:", StringComparison.Ordinal) => Environment.GetEnvironmentVariable(reference[4..]),
            _ when reference.StartsWith("sandbox:", StringComparison.Ordinal) => reference[8..],
            _ => null,
        };
        return Task.FromResult(string.IsNullOrEmpty(token) ? null : token);
    }

    public string Protect(string accessToken) => "dp:" + _protector.Protect(accessToken);

    private string? Unprotect(string protectedToken)
    {
        try
        {
            return _protector.Unprotect(protectedToken);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Keys lost or rotated away: the account must be reconnected; never surface the ciphertext.
            return null;
        }
    }
}
